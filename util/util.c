/*
 * util — see util.h. Plain C11 plus POSIX; no curses, no SQLite.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static void (*fatal_hook)(void);

void util_set_fatal_hook(void (*hook)(void))
{
	fatal_hook = hook;
}

_Noreturn void util_fatal(const char *fmt, ...)
{
	va_list ap;
	if (fatal_hook)
		fatal_hook();
	fputs("qendra: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(70);
}

void qerr_set(struct qerr *e, const char *key, const char *fmt, ...)
{
	va_list ap;
	if (!e)
		return;
	util_strlcpy(e->key, key ? key : "err:internal", sizeof e->key);
	e->detail[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(e->detail, sizeof e->detail, fmt, ap);
		va_end(ap);
	}
}

void qerr_clear(struct qerr *e)
{
	if (e) {
		e->key[0] = '\0';
		e->detail[0] = '\0';
		e->line = 0;
	}
}

bool qerr_is_set(const struct qerr *e)
{
	return e && e->key[0] != '\0';
}

static void *oom(size_t n)
{
	util_fatal("out of memory (%zu bytes)", n);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom(n);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : oom(n * size);
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	return q ? q : oom(n);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap, aq;
	va_start(ap, fmt);
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		util_fatal("bad format");
	char *p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, aq);
	va_end(aq);
	return p;
}

size_t util_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

void sbuf_addn(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = xrealloc(b->s, cap);
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sbuf_add(struct sbuf *b, const char *s)
{
	sbuf_addn(b, s, strlen(s));
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap, aq;
	va_start(ap, fmt);
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		char *tmp = xmalloc((size_t)n + 1);
		vsnprintf(tmp, (size_t)n + 1, fmt, aq);
		sbuf_addn(b, tmp, (size_t)n);
		free(tmp);
	}
	va_end(aq);
}

void sbuf_free(struct sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

long utf8_next(const char **pp)
{
	const unsigned char *p = (const unsigned char *)*pp;
	long cp;
	int extra;
	if (p[0] < 0x80) {
		*pp += 1;
		return p[0];
	} else if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		cp = p[0] & 0x1F;
		extra = 1;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		cp = p[0] & 0x0F;
		extra = 2;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		cp = p[0] & 0x07;
		extra = 3;
	} else {
		*pp += 1;
		return -1;
	}
	for (int i = 1; i <= extra; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*pp += 1;
			return -1;
		}
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF)) {
		*pp += 1;
		return -1;
	}
	*pp += 1 + extra;
	return cp;
}

bool utf8_valid(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	while (p < end) {
		/* utf8_next may read up to 3 bytes past p: make sure they are inside. */
		unsigned char c = (unsigned char)*p;
		size_t need = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		if ((size_t)(end - p) < need)
			return false;
		if (c == 0)
			return false;
		if (utf8_next(&p) < 0)
			return false;
	}
	return true;
}

size_t utf8_len(const char *s)
{
	size_t n = 0;
	while (*s) {
		utf8_next(&s);
		n++;
	}
	return n;
}

int utf8_put(char *out, long cp)
{
	if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

time_t util_now(void)
{
	const char *pin = getenv("QENDRA_NOW");
	if (pin && *pin) {
		struct tm tm = {0};
		int n = sscanf(pin, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		               &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
		if (n >= 3) {
			tm.tm_year -= 1900;
			tm.tm_mon -= 1;
			tm.tm_isdst = -1;
			time_t t = mktime(&tm);
			if (t != (time_t)-1)
				return t;
		}
	}
	return time(NULL);
}

void util_now_str(char out[20])
{
	time_t t = util_now();
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

void util_today(char out[11])
{
	time_t t = util_now();
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static bool uuid_seeded;
static uint64_t uuid_state;

void util_uuid_seed(uint64_t seed)
{
	uuid_seeded = true;
	uuid_state = seed ? seed : 0x9E3779B97F4A7C15ull;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void util_uuid(char out[37])
{
	unsigned char b[16];
	if (uuid_seeded) {
		uint64_t a = splitmix(&uuid_state), c = splitmix(&uuid_state);
		memcpy(b, &a, 8);
		memcpy(b + 8, &c, 8);
	} else {
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		ssize_t got = fd >= 0 ? read(fd, b, sizeof b) : -1;
		if (fd >= 0)
			close(fd);
		if (got != (ssize_t)sizeof b) {
			/* Fall back to a time-seeded generator rather than fail a save. */
			static uint64_t s;
			if (!s)
				s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
			uint64_t a = splitmix(&s), c = splitmix(&s);
			memcpy(b, &a, 8);
			memcpy(b + 8, &c, 8);
		}
	}
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	         b[13], b[14], b[15]);
}

void util_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

void util_tune_malloc(void)
{
#ifdef __GLIBC__
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
#endif
}
