/*
 * form_phone — Albanian phone numbers, typed any common way, stored as
 * international digits for search and shown in the national grouping.
 *
 * The national significant number (NSN, after the trunk 0) is, per the
 * 2008/2014 numbering plan: mobile 6[789] + 7 digits; landline an area code
 * (4 Tirana; two digits such as 22 Shkodër, 24 Kukës, 52 Durrës; three
 * digits x1y such as 218 Peshkopi, 215 Lezhë) and the subscriber, 8 digits
 * in all. 9-digit landlines are accepted too, to be lenient with numbers
 * written in older or operator-specific forms.
 */
#include "forms/form.h"
#include "forms/form_impl.h"

#include <string.h>

/* Append the digits src[0..n-1] to out at *k. */
static void put(char *out, size_t *k, const char *src, size_t n)
{
	memcpy(out + *k, src, n);
	*k += n;
}

/* Group an NSN for reading, with its trunk 0: "069 123 4567", "04 234 5678",
 * "022 123 456", "0218 12 345". */
static void display_of(const char *nsn, char out[FORM_PHONE_SIZE])
{
	size_t L = strlen(nsn), k = 0, area;
	out[k++] = '0';
	if (nsn[0] == '4')
		area = 1;
	else if (nsn[0] != '6' && nsn[1] == '1')
		area = 3;
	else
		area = 2;
	put(out, &k, nsn, area);
	out[k++] = ' ';
	size_t rest = L - area;
	/* subscriber: 3 + the rest, except 5 digits as 2 + 3 */
	size_t first = rest == 5 ? 2 : 3;
	put(out, &k, nsn + area, first);
	out[k++] = ' ';
	put(out, &k, nsn + area + first, rest - first);
	out[k] = '\0';
}

int form_phone(const char *in, char *display, size_t dsz, char *norm, size_t nsz, struct qerr *err)
{
	size_t n, k = 0;
	if (display && dsz)
		display[0] = '\0';
	if (norm && nsz)
		norm[0] = '\0';
	qerr_clear(err);
	const char *s = form_i_trim(in, &n);
	if (n == 0)
		return form_i_fail(err, "form:required");

	char dg[24];
	bool plus = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			if (k >= 20)
				return form_i_fail(err, "form:phone_invalid");
			dg[k++] = c;
		} else if (c == '+' && k == 0 && !plus) {
			plus = true;
		} else if (!strchr(" .-/()", c)) {
			return form_i_fail(err, "form:phone_invalid");
		}
	}
	dg[k] = '\0';
	if (k == 0)
		return form_i_fail(err, "form:phone_invalid");

	const char *nsn = dg;
	bool intl = false;
	if (plus || strncmp(dg, "00", 2) == 0) {
		const char *cc = plus ? dg : dg + 2;
		if (strncmp(cc, "355", 3) != 0)
			return form_i_fail(err, "form:phone_foreign");
		nsn = cc + 3;
		intl = true;
	} else if (strncmp(dg, "355", 3) == 0 && k >= 11) {
		nsn = dg + 3;
		intl = true;
	} else if (dg[0] == '0') {
		nsn = dg + 1;
	}
	if (intl && nsn[0] == '0')
		nsn++; /* "+355 (0)69 ..." */

	size_t L = strlen(nsn);
	if (nsn[0] == '6') {
		if (L != 9 || nsn[1] < '7' || nsn[1] > '9')
			return form_i_fail(err, "form:phone_invalid");
	} else if (nsn[0] >= '2' && nsn[0] <= '8') {
		if (L != 8 && L != 9)
			return form_i_fail(err, "form:phone_invalid");
	} else {
		return form_i_fail(err, "form:phone_invalid");
	}

	char disp[FORM_PHONE_SIZE], intlbuf[FORM_PHONE_SIZE];
	display_of(nsn, disp);
	memcpy(intlbuf, "355", 3);
	memcpy(intlbuf + 3, nsn, L + 1);
	if (display && dsz)
		util_strlcpy(display, disp, dsz);
	if (norm && nsz)
		util_strlcpy(norm, intlbuf, nsz);
	return 0;
}
