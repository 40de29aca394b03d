/*
 * user — staff accounts, password hashing (libsodium Argon2id) and the
 * login lockout, counted in the database so a new terminal does not reset it.
 */
#include "db/dbi.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#define USER_COLS                                                                                  \
	"id, username, full_name, role, active, failed_logins, coalesce(locked_until, ''),"        \
	" coalesce(last_login, ''), lang, version"

static void read_user(sqlite3_stmt *st, struct db_user *u)
{
	char role[32];
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, 0);
	dbi_col_text(st, 1, u->username, sizeof u->username);
	dbi_col_text(st, 2, u->full_name, sizeof u->full_name);
	dbi_col_text(st, 3, role, sizeof role);
	int r = db_role_parse(role);
	u->role = r < 0 ? DB_ROLE_VIEWER : (enum db_role)r;
	u->active = sqlite3_column_int(st, 4) != 0;
	u->failed_logins = sqlite3_column_int(st, 5);
	dbi_col_text(st, 6, u->locked_until, sizeof u->locked_until);
	dbi_col_text(st, 7, u->last_login, sizeof u->last_login);
	dbi_col_text(st, 8, u->lang, sizeof u->lang);
	u->version = sqlite3_column_int64(st, 9);
}

static int hash_password(const char *pw, char out[crypto_pwhash_STRBYTES], struct qerr *err)
{
	if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		qerr_set(err, "err:out_of_memory", "password hash");
		return DB_ERR;
	}
	return DB_OK;
}

static bool valid_username(const char *u)
{
	size_t n = strlen(u);
	if (n < 3 || n > 32 || !(u[0] >= 'a' && u[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = u[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

int db_user_add(struct qdb *db, const struct db_actor *who, const char *username,
                const char *full_name, enum db_role role, const char *password, const char *lang,
                int64_t *id_out, struct qerr *err)
{
	int rc = dbi_allow(who, DBI_ROLE(DB_ROLE_MANAGER), err);
	if (rc)
		return rc;
	if (!username || !valid_username(username)) {
		qerr_set(err, "err:username_invalid", NULL);
		return DB_INVALID;
	}
	size_t fl = full_name ? strlen(full_name) : 0;
	if (fl == 0 || fl > 80 || !utf8_valid(full_name, fl)) {
		qerr_set(err, "err:full_name_invalid", NULL);
		return DB_INVALID;
	}
	if ((unsigned)role >= DB_ROLE_COUNT) {
		qerr_set(err, "err:role_invalid", NULL);
		return DB_INVALID;
	}
	if (!password || strlen(password) < 8) {
		qerr_set(err, "err:password_short", NULL);
		return DB_INVALID;
	}
	if (!lang || (strcmp(lang, "sq") != 0 && strcmp(lang, "en") != 0))
		lang = "sq";
	char hash[crypto_pwhash_STRBYTES];
	rc = hash_password(password, hash, err);
	if (rc)
		return rc;
	char uuid[37], now[20];
	dbi_stamp(uuid, now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = dbi_prep(
	    db,
	    "INSERT INTO app_user(username, full_name, role, pw_hash, lang, uuid, created_at,"
	    " created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
	    err);
	if (!st) {
		db_rollback(db);
		return DB_ERR;
	}
	dbi_bind_text(st, 1, username);
	dbi_bind_text(st, 2, full_name);
	dbi_bind_text(st, 3, db_role_name(role));
	dbi_bind_text(st, 4, hash);
	dbi_bind_text(st, 5, lang);
	dbi_bind_text(st, 6, uuid);
	dbi_bind_text(st, 7, now);
	dbi_bind_actor(st, 8, who);
	rc = dbi_step_done(db, st, err);
	util_wipe(hash, sizeof hash);
	if (rc == DB_CONFLICT) {
		qerr_set(err, "err:username_taken", "%s", username);
		db_rollback(db);
		return rc;
	}
	int64_t id = sqlite3_last_insert_rowid(db->h);
	if (!rc)
		rc = db_audit(db, who, "user_add", "app_user", id, db_role_name(role), err);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db, err);
	if (!rc && id_out)
		*id_out = id;
	return rc;
}

int db_user_get(struct qdb *db, const char *username, struct db_user *out, struct qerr *err)
{
	sqlite3_stmt *st =
	    dbi_prep(db, "SELECT " USER_COLS " FROM app_user WHERE username = ?1", err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, username);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_user(st, out);
		sqlite3_reset(st);
		return DB_OK;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:user_unknown", "%s", username);
		return DB_NOTFOUND;
	}
	return dbi_fail(db, rc, err);
}

int db_user_get_id(struct qdb *db, int64_t id, struct db_user *out, struct qerr *err)
{
	sqlite3_stmt *st = dbi_prep(db, "SELECT " USER_COLS " FROM app_user WHERE id = ?1", err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_user(st, out);
		sqlite3_reset(st);
		return DB_OK;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:not_found", NULL);
		return DB_NOTFOUND;
	}
	return dbi_fail(db, rc, err);
}

/* Run one UPDATE of a user found by name, with an audit row, in one transaction. */
static int user_update(struct qdb *db, const struct db_actor *who, const char *sql,
                       const char *username, const char *text_arg, int int_arg, const char *action,
                       struct qerr *err)
{
	struct db_user u;
	int rc = db_user_get(db, username, &u, err);
	if (rc)
		return rc;
	char now[20];
	util_now_str(now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = dbi_prep(db, sql, err);
	if (!st) {
		db_rollback(db);
		return DB_ERR;
	}
	sqlite3_bind_int64(st, 1, u.id);
	dbi_bind_text(st, 2, now);
	dbi_bind_actor(st, 3, who);
	if (text_arg)
		dbi_bind_text(st, 4, text_arg);
	else
		sqlite3_bind_int(st, 4, int_arg);
	rc = dbi_step_done(db, st, err);
	if (!rc)
		rc = db_audit(db, who, action, "app_user", u.id, NULL, err);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
}

int db_user_passwd(struct qdb *db, const struct db_actor *who, const char *username,
                   const char *password, struct qerr *err)
{
	if (who && who->role != DB_ROLE_MANAGER) {
		struct db_user self;
		if (db_user_get_id(db, who->user_id, &self, NULL) != DB_OK ||
		    strcmp(self.username, username) != 0) {
			qerr_set(err, "err:db_denied", NULL);
			return DB_DENIED;
		}
	}
	if (!password || strlen(password) < 8) {
		qerr_set(err, "err:password_short", NULL);
		return DB_INVALID;
	}
	char hash[crypto_pwhash_STRBYTES];
	int rc = hash_password(password, hash, err);
	if (rc)
		return rc;
	rc = user_update(db, who,
	                 "UPDATE app_user SET pw_hash = ?4, failed_logins = 0, locked_until = NULL,"
	                 " updated_at = ?2, updated_by = ?3, version = version + 1 WHERE id = ?1",
	                 username, hash, 0, "user_passwd", err);
	util_wipe(hash, sizeof hash);
	return rc;
}

int db_user_set_active(struct qdb *db, const struct db_actor *who, const char *username,
                       bool active, struct qerr *err)
{
	int rc = dbi_allow(who, DBI_ROLE(DB_ROLE_MANAGER), err);
	if (rc)
		return rc;
	return user_update(db, who,
	                   "UPDATE app_user SET active = ?4, updated_at = ?2, updated_by = ?3,"
	                   " version = version + 1 WHERE id = ?1",
	                   username, NULL, active ? 1 : 0, active ? "user_enable" : "user_disable",
	                   err);
}

int db_user_set_lang(struct qdb *db, const struct db_actor *who, const char *lang, struct qerr *err)
{
	if (!who) {
		qerr_set(err, "err:db_denied", NULL);
		return DB_DENIED;
	}
	if (!lang || (strcmp(lang, "sq") != 0 && strcmp(lang, "en") != 0)) {
		qerr_set(err, "err:lang_invalid", NULL);
		return DB_INVALID;
	}
	char now[20];
	util_now_str(now);
	sqlite3_stmt *st =
	    dbi_prep(db,
	             "UPDATE app_user SET lang = ?2, updated_at = ?3, updated_by = ?1,"
	             " version = version + 1 WHERE id = ?1",
	             err);
	if (!st)
		return DB_ERR;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, who->user_id);
	dbi_bind_text(st, 2, lang);
	dbi_bind_text(st, 3, now);
	rc = dbi_step_done(db, st, err);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
}

static int list_users(struct qdb *db, sqlite3_stmt *st, struct db_user **rows, int *n,
                      struct qerr *err)
{
	int cap = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*rows = xrealloc(*rows, sizeof **rows * (size_t)cap);
		}
		read_user(st, &(*rows)[(*n)++]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*rows);
		*rows = NULL;
		*n = 0;
		return dbi_fail(db, rc, err);
	}
	return DB_OK;
}

int db_user_list(struct qdb *db, const struct db_actor *who, struct db_user **rows, int *n,
                 struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = dbi_allow(who, DBI_ROLE(DB_ROLE_MANAGER), err);
	if (rc)
		return rc;
	sqlite3_stmt *st =
	    dbi_prep(db, "SELECT " USER_COLS " FROM app_user ORDER BY username", err);
	return st ? list_users(db, st, rows, n, err) : DB_ERR;
}

int db_user_list_role(struct qdb *db, enum db_role role, struct db_user **rows, int *n,
                      struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st =
	    dbi_prep(db,
	             "SELECT " USER_COLS " FROM app_user WHERE role = ?1 AND active = 1"
	             " ORDER BY full_name COLLATE SQ",
	             err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, db_role_name(role));
	return list_users(db, st, rows, n, err);
}

int db_user_count(struct qdb *db)
{
	sqlite3_stmt *st = dbi_prep(db, "SELECT count(*) FROM app_user", NULL);
	int n = -1;
	if (st && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	if (st)
		sqlite3_reset(st);
	return n;
}

/* A valid hash to verify against for unknown users, so that a wrong user
 * name takes as long as a wrong password. Made once per process. */
static const char *dummy_hash(void)
{
	static char h[crypto_pwhash_STRBYTES];
	if (!h[0] && crypto_pwhash_str(h, "qendra-dummy", 12, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                               crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		h[0] = '\0';
	return h;
}

static void add_minutes(const char *now, int minutes, char out[20])
{
	struct tm tm = {0};
	sscanf(now, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	       &tm.tm_min, &tm.tm_sec);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_min += minutes;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	localtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Record a failed attempt for user id (0 = unknown name); returns the rc to give. */
static int login_failed(struct qdb *db, int64_t id, const char *username, struct qerr *err)
{
	char now[20], until[20] = "";
	util_now_str(now);
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	int result = DB_BADLOGIN;
	if (id > 0) {
		sqlite3_stmt *st = dbi_prep(db,
		                            "UPDATE app_user SET failed_logins = failed_logins + 1"
		                            " WHERE id = ?1 RETURNING failed_logins",
		                            err);
		int failed = 0;
		if (st) {
			sqlite3_bind_int64(st, 1, id);
			if (sqlite3_step(st) == SQLITE_ROW)
				failed = sqlite3_column_int(st, 0);
			sqlite3_reset(st);
		}
		if (failed >= db->max_failed) {
			add_minutes(now, db->lockout_min, until);
			st = dbi_prep(db,
			              "UPDATE app_user SET locked_until = ?2, failed_logins = 0"
			              " WHERE id = ?1",
			              err);
			if (st) {
				sqlite3_bind_int64(st, 1, id);
				dbi_bind_text(st, 2, until);
				dbi_step_done(db, st, err);
			}
			result = DB_LOCKED;
		}
	}
	/* Audit without the typed password, and with the name bounded. */
	char detail[64];
	snprintf(detail, sizeof detail, "%.40s", username ? username : "");
	if (!utf8_valid(detail, strlen(detail)))
		util_strlcpy(detail, "?", sizeof detail);
	struct db_actor a = {id, DB_ROLE_VIEWER};
	db_audit(db, id > 0 ? &a : NULL, result == DB_LOCKED ? "login_locked" : "login_failed",
	         "app_user", id, detail, NULL);
	if (db_commit(db, err) != DB_OK)
		return DB_ERR;
	if (result == DB_LOCKED)
		qerr_set(err, "err:login_locked", "%s", until);
	else
		qerr_set(err, "err:login_bad", NULL);
	return result;
}

static int check_lock(const struct db_user *u, struct qerr *err)
{
	char now[20];
	util_now_str(now);
	if (u->locked_until[0] && strcmp(u->locked_until, now) > 0) {
		qerr_set(err, "err:login_locked", "%s", u->locked_until);
		return DB_LOCKED;
	}
	return DB_OK;
}

int db_login(struct qdb *db, const char *username, const char *password, struct db_user *out,
             struct qerr *err)
{
	struct db_user u;
	if (!username || !password) {
		qerr_set(err, "err:login_bad", NULL);
		return DB_BADLOGIN;
	}
	int rc = db_user_get(db, username, &u, NULL);
	if (rc == DB_NOTFOUND) {
		const char *dh = dummy_hash();
		if (dh[0] && crypto_pwhash_str_verify(dh, password, strlen(password)) == 0)
			qerr_clear(err); /* cannot match: same work as a real check */
		return login_failed(db, 0, username, err);
	}
	if (rc) {
		qerr_set(err, "err:db_error", NULL);
		return rc;
	}
	rc = check_lock(&u, err);
	if (rc) {
		struct db_actor a = {u.id, u.role};
		if (db_begin(db, NULL) == DB_OK) {
			db_audit(db, &a, "login_while_locked", "app_user", u.id, NULL, NULL);
			db_commit(db, NULL);
		}
		return rc;
	}
	sqlite3_stmt *st = dbi_prep(db, "SELECT pw_hash FROM app_user WHERE id = ?1", err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, u.id);
	char hash[crypto_pwhash_STRBYTES] = "";
	if (sqlite3_step(st) == SQLITE_ROW)
		dbi_col_text(st, 0, hash, sizeof hash);
	sqlite3_reset(st);
	bool ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	util_wipe(hash, sizeof hash);
	if (!ok || !u.active)
		return login_failed(db, u.id, username, err);
	char now[20];
	util_now_str(now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	st = dbi_prep(db,
	              "UPDATE app_user SET failed_logins = 0, locked_until = NULL, last_login = ?2"
	              " WHERE id = ?1",
	              err);
	if (st) {
		sqlite3_bind_int64(st, 1, u.id);
		dbi_bind_text(st, 2, now);
		rc = dbi_step_done(db, st, err);
	} else {
		rc = DB_ERR;
	}
	struct db_actor a = {u.id, u.role};
	if (!rc)
		rc = db_audit(db, &a, "login", "app_user", u.id, NULL, err);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db, err);
	if (!rc && out) {
		*out = u;
		out->failed_logins = 0;
		util_strlcpy(out->last_login, now, sizeof out->last_login);
	}
	return rc;
}

int db_verify_password(struct qdb *db, int64_t user_id, const char *password, struct qerr *err)
{
	struct db_user u;
	int rc = db_user_get_id(db, user_id, &u, err);
	if (rc)
		return rc;
	return db_login(db, u.username, password, NULL, err);
}
