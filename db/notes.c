/*
 * notes — the confidential session logs of counselling.
 *
 * The four texts (summary, goals, next step, notes) are packed into one
 * buffer and sealed with XChaCha20-Poly1305 (libsodium AEAD) under a random
 * 24-byte nonce and additional data "session_log:<appointment uuid>:
 * <author id>:<row version>", so a sealed blob copied to another row, another
 * author or an older version fails to open. Only nonce and ciphertext are
 * bound into SQLite; the plaintext lives in wiped heap buffers and never
 * reaches a statement, an audit row or a log.
 *
 * The key is 32 random bytes in "<database path>.key", created 0600 on first
 * use (written to a private temporary file, then hard-linked into place, so
 * a second process never reads half a key) and cached per path for the life
 * of the process until db_notes_forget_key. If logs exist but the key file
 * does not, nothing is created: the notes would be lost silently.
 */
#include "db/carei.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define KEY_BYTES   crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES   crypto_aead_xchacha20poly1305_ietf_ABYTES
#define KEY_SLOTS   4
#define LOG_CHARS   20000
#define PACK_FORMAT 1

static struct key_slot {
	char path[4096];
	unsigned char key[KEY_BYTES];
	bool set;
} keys[KEY_SLOTS];
static int next_slot;
static bool keys_locked;

void db_notes_forget_key(void)
{
	sodium_memzero(keys, sizeof keys);
	next_slot = 0;
}

/* DB_NOTFOUND (err untouched) when the file does not exist. */
static int read_key(const char *kp, unsigned char key[KEY_BYTES], struct qerr *err)
{
	int fd = open(kp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return DB_NOTFOUND;
		qerr_set(err, "err:notes_key_io", "%s: %s", kp, strerror(errno));
		return DB_ERR;
	}
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size != KEY_BYTES) {
		close(fd);
		qerr_set(err, "err:notes_key_bad", "%s", kp);
		return DB_ERR;
	}
	if (sb.st_mode & 077) {
		close(fd);
		qerr_set(err, "err:notes_key_unsafe", "%s", kp);
		return DB_ERR;
	}
	size_t got = 0;
	while (got < KEY_BYTES) {
		ssize_t r = read(fd, key + got, KEY_BYTES - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != KEY_BYTES) {
		sodium_memzero(key, KEY_BYTES);
		qerr_set(err, "err:notes_key_bad", "%s", kp);
		return DB_ERR;
	}
	return DB_OK;
}

static void sync_dir(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	int fd = open(dir, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Make a new key file at kp; DB_OK also when another process won the race. */
static int create_key(const char *kp, struct qerr *err)
{
	char *tmp = xasprintf("%s.XXXXXX", kp);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		qerr_set(err, "err:notes_key_io", "%s: %s", kp, strerror(errno));
		free(tmp);
		return DB_ERR;
	}
	unsigned char k[KEY_BYTES];
	randombytes_buf(k, sizeof k);
	bool ok =
	    fchmod(fd, 0600) == 0 && write(fd, k, sizeof k) == (ssize_t)sizeof k && fsync(fd) == 0;
	sodium_memzero(k, sizeof k);
	int e = errno;
	close(fd);
	if (ok && link(tmp, kp) != 0 && errno != EEXIST) {
		e = errno;
		ok = false;
	}
	unlink(tmp);
	free(tmp);
	if (!ok) {
		qerr_set(err, "err:notes_key_io", "%s: %s", kp, strerror(e));
		return DB_ERR;
	}
	sync_dir(kp);
	return DB_OK;
}

static int count_logs(struct qdb *db, int *count, struct qerr *err)
{
	sqlite3_stmt *st = dbi_prep(db, "SELECT count(*) FROM session_log", err);
	if (!st)
		return DB_ERR;
	int rc = sqlite3_step(st);
	*count = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : dbi_fail(db, rc, err);
}

/* The key of this connection's database file (loaded or made once). */
static int notes_key(struct qdb *db, const unsigned char **key, struct qerr *err)
{
	const char *path = sqlite3_db_filename(db->h, "main");
	if (!path || !*path || strlen(path) + 5 > sizeof keys[0].path) {
		qerr_set(err, "err:notes_no_key", NULL);
		return DB_ERR;
	}
	char kp[sizeof keys[0].path];
	snprintf(kp, sizeof kp, "%s.key", path);
	for (int i = 0; i < KEY_SLOTS; i++) {
		if (keys[i].set && strcmp(keys[i].path, kp) == 0) {
			*key = keys[i].key;
			return DB_OK;
		}
	}
	if (!keys_locked) {
		/* Keep the keys out of swap where the system allows it. */
		sodium_mlock(keys, sizeof keys);
		keys_locked = true;
	}
	struct key_slot *slot = &keys[next_slot];
	next_slot = (next_slot + 1) % KEY_SLOTS;
	sodium_memzero(slot, sizeof *slot);
	int rc = read_key(kp, slot->key, err);
	if (rc == DB_NOTFOUND) {
		int nlogs;
		rc = count_logs(db, &nlogs, err);
		if (rc)
			return rc;
		if (nlogs > 0) {
			qerr_set(err, "err:notes_key_missing", "%s", kp);
			return DB_ERR;
		}
		rc = create_key(kp, err);
		if (!rc)
			rc = read_key(kp, slot->key, err);
		if (rc == DB_NOTFOUND) {
			qerr_set(err, "err:notes_key_io", "%s", kp);
			rc = DB_ERR;
		}
	}
	if (rc) {
		sodium_memzero(slot, sizeof *slot);
		return rc;
	}
	util_strlcpy(slot->path, kp, sizeof slot->path);
	slot->set = true;
	*key = slot->key;
	return DB_OK;
}

static void make_ad(char *ad, size_t sz, const char *appt_uuid, int64_t author, int64_t version)
{
	snprintf(ad, sz, "session_log:%s:%lld:%lld", appt_uuid, (long long)author,
	         (long long)version);
}

static void wipe_free(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

void db_session_log_free(struct db_session_log *log)
{
	if (!log)
		return;
	wipe_free(log->summary);
	wipe_free(log->goals);
	wipe_free(log->next_step);
	wipe_free(log->notes);
	log->summary = log->goals = log->next_step = log->notes = NULL;
}

/* Pack the texts: a format byte, then per field a 4-byte length and bytes. */
static unsigned char *pack(const struct db_session_log *l, size_t *len)
{
	const char *f[4] = {l->summary, l->goals, l->next_step, l->notes};
	size_t n = 1;
	for (int i = 0; i < 4; i++)
		n += 4 + (f[i] ? strlen(f[i]) : 0);
	unsigned char *b = xmalloc(n), *p = b;
	*p++ = PACK_FORMAT;
	for (int i = 0; i < 4; i++) {
		uint32_t fl = f[i] ? (uint32_t)strlen(f[i]) : 0;
		for (int k = 0; k < 4; k++)
			*p++ = (unsigned char)(fl >> (8 * k));
		if (fl)
			memcpy(p, f[i], fl);
		p += fl;
	}
	*len = n;
	return b;
}

static bool unpack(const unsigned char *b, size_t len, struct db_session_log *out)
{
	char **f[4] = {&out->summary, &out->goals, &out->next_step, &out->notes};
	if (len < 1 || b[0] != PACK_FORMAT)
		return false;
	size_t off = 1;
	for (int i = 0; i < 4; i++) {
		if (len - off < 4)
			return false;
		uint32_t fl = 0;
		for (int k = 0; k < 4; k++)
			fl |= (uint32_t)b[off + (size_t)k] << (8 * k);
		off += 4;
		if (len - off < fl)
			return false;
		*f[i] = xstrndup((const char *)b + off, fl);
		off += fl;
	}
	return off == len;
}

/* The appointment a log hangs on. */
struct appt_ref {
	char uuid[37];
	int64_t counsellor_id;
	char status[16];
};

static int load_appt(struct qdb *db, int64_t id, struct appt_ref *a, struct qerr *err)
{
	sqlite3_stmt *st = dbi_prep(db,
	                            "SELECT uuid, counsellor_id, status FROM appointment"
	                            " WHERE id = ?1 AND deleted_at IS NULL",
	                            err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		dbi_col_text(st, 0, a->uuid, sizeof a->uuid);
		a->counsellor_id = sqlite3_column_int64(st, 1);
		dbi_col_text(st, 2, a->status, sizeof a->status);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:not_found", NULL);
		return DB_NOTFOUND;
	}
	return rc == SQLITE_ROW ? DB_OK : dbi_fail(db, rc, err);
}

/* The clear columns of a log (none: DB_NOTFOUND without err). */
struct log_ref {
	int64_t id, counsellor_id, version;
};

static int load_log_ref(struct qdb *db, int64_t appt_id, struct log_ref *l, struct qerr *err)
{
	sqlite3_stmt *st = dbi_prep(db,
	                            "SELECT id, counsellor_id, version FROM session_log"
	                            " WHERE appointment_id = ?1 AND deleted_at IS NULL",
	                            err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, appt_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		l->id = sqlite3_column_int64(st, 0);
		l->counsellor_id = sqlite3_column_int64(st, 1);
		l->version = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return DB_NOTFOUND;
	return rc == SQLITE_ROW ? DB_OK : dbi_fail(db, rc, err);
}

/* Record a refused attempt at the confidential text (best effort). */
static void audit_denied(struct qdb *db, const struct db_actor *who, int64_t appt_id)
{
	if (db_begin(db, NULL) != DB_OK)
		return;
	if (db_audit(db, who, "session_log_denied", "appointment", appt_id, NULL, NULL) != DB_OK) {
		db_rollback(db);
		return;
	}
	db_commit(db, NULL);
}

static int denied(struct qdb *db, const struct db_actor *who, int64_t appt_id, struct qerr *err)
{
	audit_denied(db, who, appt_id);
	qerr_set(err, "err:db_denied", NULL);
	return DB_DENIED;
}

int db_session_log_save(struct qdb *db, const struct db_actor *who, struct db_session_log *log,
                        struct qerr *err)
{
	if (!log) {
		qerr_set(err, "err:internal", "no log");
		return DB_ERR;
	}
	/* The command line never writes confidential notes: they need an author. */
	if (!who || dbi_allow(who, DBI_ROLE(DB_ROLE_MANAGER) | DBI_ROLE(DB_ROLE_COUNSELLOR), err))
		return denied(db, who, log->appointment_id, err);
	struct appt_ref a;
	int rc = load_appt(db, log->appointment_id, &a, err);
	if (rc)
		return rc;
	struct log_ref cur = {0, 0, 0};
	rc = load_log_ref(db, log->appointment_id, &cur, err);
	if (rc && rc != DB_NOTFOUND)
		return rc;
	bool exists = rc == DB_OK;
	if (log->version == 0) {
		if (a.counsellor_id != who->user_id)
			return denied(db, who, log->appointment_id, err);
		if (exists) {
			qerr_set(err, "err:db_stale", NULL);
			return DB_STALE;
		}
		if (strcmp(a.status, "held") != 0) {
			qerr_set(err, "err:log_needs_held", "%s", a.status);
			return DB_INVALID;
		}
	} else {
		if (!exists) {
			qerr_set(err, "err:db_stale", NULL);
			return DB_STALE;
		}
		if (cur.counsellor_id != who->user_id)
			return denied(db, who, log->appointment_id, err);
		if (cur.version != log->version) {
			qerr_set(err, "err:db_stale", NULL);
			return DB_STALE;
		}
	}
	const char *texts[4] = {log->summary, log->goals, log->next_step, log->notes};
	for (int i = 0; i < 4; i++) {
		rc = db_care_text(texts[i], LOG_CHARS, false, true, "err:log_text_invalid", err);
		if (rc)
			return rc;
	}
	long fu;
	if (log->follow_up_on[0] && !db_day_from_iso(log->follow_up_on, &fu)) {
		qerr_set(err, "err:log_follow_up_invalid", NULL);
		return DB_INVALID;
	}
	const unsigned char *key;
	rc = notes_key(db, &key, err);
	if (rc)
		return rc;
	int64_t new_version = log->version + 1;
	char ad[128];
	make_ad(ad, sizeof ad, a.uuid, who->user_id, new_version);
	size_t plen;
	unsigned char *plain = pack(log, &plen);
	unsigned char nonce[NONCE_BYTES];
	randombytes_buf(nonce, sizeof nonce);
	unsigned char *sealed = xmalloc(plen + TAG_BYTES);
	unsigned long long slen = 0;
	crypto_aead_xchacha20poly1305_ietf_encrypt(
	    sealed, &slen, plain, plen, (const unsigned char *)ad, strlen(ad), NULL, nonce, key);
	sodium_memzero(plain, plen);
	free(plain);

	char uuid[37], now[20];
	dbi_stamp(uuid, now);
	rc = db_begin(db, err);
	if (rc) {
		free(sealed);
		return rc;
	}
	sqlite3_stmt *st;
	if (log->version == 0)
		st =
		    dbi_prep(db,
		             "INSERT INTO session_log(appointment_id, counsellor_id, nonce, sealed,"
		             " follow_up_on, follow_up_done, uuid, created_at, created_by,"
		             " updated_at, updated_by, version)"
		             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?2, ?8, ?2, ?9)",
		             err);
	else
		st = dbi_prep(db,
		              "UPDATE session_log SET nonce = ?3, sealed = ?4, follow_up_on = ?5,"
		              " follow_up_done = ?6, updated_at = ?8, updated_by = ?2, version = ?9"
		              " WHERE appointment_id = ?1 AND counsellor_id = ?2 AND version = ?10"
		              " AND deleted_at IS NULL",
		              err);
	if (!st) {
		free(sealed);
		db_rollback(db);
		return DB_ERR;
	}
	sqlite3_bind_int64(st, 1, log->appointment_id);
	sqlite3_bind_int64(st, 2, who->user_id);
	sqlite3_bind_blob(st, 3, nonce, sizeof nonce, SQLITE_TRANSIENT);
	sqlite3_bind_blob64(st, 4, sealed, slen, SQLITE_TRANSIENT);
	dbi_bind_text_or_null(st, 5, log->follow_up_on);
	sqlite3_bind_int(st, 6, log->follow_up_done ? 1 : 0);
	dbi_bind_text(st, 7, uuid);
	dbi_bind_text(st, 8, now);
	sqlite3_bind_int64(st, 9, new_version);
	if (log->version != 0)
		sqlite3_bind_int64(st, 10, log->version);
	free(sealed);
	rc = log->version == 0 ? dbi_step_done(db, st, err) : db_care_step_versioned(db, st, err);
	if (rc == DB_CONFLICT) {
		/* Another desk created the log of this appointment meanwhile. */
		qerr_set(err, "err:db_stale", NULL);
		rc = DB_STALE;
	}
	int64_t id = log->version == 0 ? sqlite3_last_insert_rowid(db->h) : cur.id;
	if (!rc)
		rc = db_audit(db, who, "session_log_save", "session_log", id, NULL, err);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db, err);
	if (!rc) {
		log->id = id;
		log->version = new_version;
		log->counsellor_id = who->user_id;
		util_strlcpy(log->updated_at, now, sizeof log->updated_at);
	}
	return rc;
}

int db_session_log_read(struct qdb *db, const struct db_actor *who, int64_t appointment_id,
                        const char *reason, struct db_session_log *out, struct qerr *err)
{
	memset(out, 0, sizeof *out);
	if (!who || dbi_allow(who, DBI_ROLE(DB_ROLE_MANAGER) | DBI_ROLE(DB_ROLE_COUNSELLOR), err))
		return denied(db, who, appointment_id, err);
	sqlite3_stmt *st = dbi_prep(
	    db,
	    "SELECT l.id, l.counsellor_id, l.nonce, l.sealed, coalesce(l.follow_up_on, ''),"
	    " l.follow_up_done, l.updated_at, l.version, a.uuid, a.counsellor_id"
	    " FROM session_log l JOIN appointment a ON a.id = l.appointment_id"
	    " WHERE l.appointment_id = ?1 AND l.deleted_at IS NULL",
	    err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, appointment_id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return dbi_fail(db, rc, err);
		/* No log: say so only to someone who could have read it. */
		struct appt_ref a;
		rc = load_appt(db, appointment_id, &a, err);
		if (rc)
			return rc;
		if (who->role != DB_ROLE_MANAGER && a.counsellor_id != who->user_id)
			return denied(db, who, appointment_id, err);
		qerr_set(err, "err:not_found", NULL);
		return DB_NOTFOUND;
	}
	int64_t log_id = sqlite3_column_int64(st, 0);
	int64_t author = sqlite3_column_int64(st, 1);
	unsigned char nonce[NONCE_BYTES];
	int nlen = sqlite3_column_bytes(st, 2);
	bool nonce_ok = nlen == NONCE_BYTES;
	if (nonce_ok)
		memcpy(nonce, sqlite3_column_blob(st, 2), NONCE_BYTES);
	size_t slen = (size_t)sqlite3_column_bytes(st, 3);
	unsigned char *sealed = xmalloc(slen ? slen : 1);
	if (slen)
		memcpy(sealed, sqlite3_column_blob(st, 3), slen);
	char follow[11], updated[20], uuid[37];
	dbi_col_text(st, 4, follow, sizeof follow);
	bool done = sqlite3_column_int(st, 5) != 0;
	dbi_col_text(st, 6, updated, sizeof updated);
	int64_t version = sqlite3_column_int64(st, 7);
	dbi_col_text(st, 8, uuid, sizeof uuid);
	sqlite3_reset(st);

	if (author != who->user_id) {
		if (who->role != DB_ROLE_MANAGER) {
			free(sealed);
			return denied(db, who, appointment_id, err);
		}
		/* Supervision: a reason, written to the audit before any text is shown. */
		rc = db_care_text(reason, 200, true, false, "err:log_reason_required", err);
		if (!rc)
			rc = db_begin(db, err);
		if (!rc) {
			rc = db_audit(db, who, "session_log_read", "session_log", log_id, reason,
			              err);
			if (rc)
				db_rollback(db);
			else
				rc = db_commit(db, err);
		}
		if (rc) {
			free(sealed);
			return rc;
		}
	}
	const unsigned char *key;
	rc = notes_key(db, &key, err);
	if (rc) {
		free(sealed);
		return rc;
	}
	char ad[128];
	make_ad(ad, sizeof ad, uuid, author, version);
	unsigned char *plain = xmalloc(slen ? slen : 1);
	unsigned long long plen = 0;
	bool opened = nonce_ok && slen >= TAG_BYTES &&
	              crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plen, NULL, sealed, slen,
	                                                         (const unsigned char *)ad,
	                                                         strlen(ad), nonce, key) == 0;
	free(sealed);
	if (opened)
		opened = unpack(plain, (size_t)plen, out);
	sodium_memzero(plain, slen ? slen : 1);
	free(plain);
	if (!opened) {
		db_session_log_free(out);
		memset(out, 0, sizeof *out);
		qerr_set(err, "err:notes_undecryptable", "%lld", (long long)log_id);
		return DB_ERR;
	}
	out->id = log_id;
	out->appointment_id = appointment_id;
	out->counsellor_id = author;
	util_strlcpy(out->follow_up_on, follow, sizeof out->follow_up_on);
	out->follow_up_done = done;
	util_strlcpy(out->updated_at, updated, sizeof out->updated_at);
	out->version = version;
	return DB_OK;
}

int db_followup_done(struct qdb *db, const struct db_actor *who, int64_t appointment_id,
                     int64_t version, struct qerr *err)
{
	if (!who || dbi_allow(who, DBI_ROLE(DB_ROLE_MANAGER) | DBI_ROLE(DB_ROLE_COUNSELLOR), err))
		return denied(db, who, appointment_id, err);
	struct log_ref cur = {0, 0, 0};
	int rc = load_log_ref(db, appointment_id, &cur, err);
	if (rc == DB_NOTFOUND) {
		qerr_set(err, "err:not_found", NULL);
		return rc;
	}
	if (rc)
		return rc;
	if (cur.counsellor_id != who->user_id)
		return denied(db, who, appointment_id, err);
	if (cur.version != version) {
		qerr_set(err, "err:db_stale", NULL);
		return DB_STALE;
	}
	struct db_session_log log;
	rc = db_session_log_read(db, who, appointment_id, NULL, &log, err);
	if (rc)
		return rc;
	log.follow_up_done = true;
	rc = db_session_log_save(db, who, &log, err);
	db_session_log_free(&log);
	return rc;
}
