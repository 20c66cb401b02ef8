/* Long double arithmetic for INCRBYFLOAT / HINCRBYFLOAT.
 *
 * Redis computes these in C's `long double` (80-bit extended on x86-64)
 * and prints "%.17Lf" with trailing zeros removed. Rust has no such type,
 * and the results differ visibly from f64 ("5010.60000000000000009" vs
 * "5010.6"), so this shim does exactly what Redis's string2ld,
 * addition and ld2string(LD_STR_HUMAN) do, using the C library. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LD_MAX_CHARS (5 * 1024)

static int parse_ld(const char *s, size_t len, long double *out) {
    char buf[LD_MAX_CHARS];
    char *eptr;
    long double value;
    if (len == 0 || len >= sizeof(buf)) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    value = strtold(buf, &eptr);
    /* The whole length must parse: a NUL inside the value ends strtold's
     * text early and makes it invalid. */
    if (isspace((unsigned char)buf[0]) || eptr[0] != '\0' || (size_t)(eptr - buf) != len ||
        (errno == ERANGE && (value == HUGE_VALL || value == -HUGE_VALL || fpclassify(value) == FP_ZERO)) ||
        errno == EINVAL || isnan(value))
        return 0;
    *out = value;
    return 1;
}

/* Returns the length written to `out`, or -1 when `cur` is not a float,
 * -2 when `incr` is not a float, -3 for a NaN/infinite result, -4 when the
 * text does not fit. `cur` may be NULL (a missing key counts as 0). */
long ferrodis_ld_incr(const char *cur, size_t cur_len, const char *incr, size_t incr_len,
                      char *out, size_t out_len) {
    long double value = 0, by;
    int l;
    if (cur && !parse_ld(cur, cur_len, &value)) return -1;
    if (!parse_ld(incr, incr_len, &by)) return -2;
    value += by;
    if (isnan(value) || isinf(value)) return -3;
    l = snprintf(out, out_len, "%.17Lf", value);
    if (l < 0 || (size_t)l + 1 > out_len) return -4;
    if (strchr(out, '.') != NULL) {
        char *p = out + l - 1;
        while (*p == '0') {
            p--;
            l--;
        }
        if (*p == '.') l--;
    }
    if (l == 2 && out[0] == '-' && out[1] == '0') {
        out[0] = '0';
        l = 1;
    }
    return l;
}
