/*
** Special functions of one or a few real arguments, in double precision.
**
** Names and conventions follow SciPy's scipy.special: gammainc and
** gammaincc are the regularised lower and upper incomplete gamma functions
** P(a, x) and Q(a, x), betainc is the regularised incomplete beta function
** I_x(a, b), arguments outside a function's domain give NaN, poles give
** an infinity where SciPy gives one.  The methods are described next to
** each function in special.c; tests/fixtures/make_special.py measures the
** error of every function against mpmath (and SciPy's, for comparison).
**
** All functions are pure and thread-safe.
*/
#ifndef GB_SPECIAL_H
#define GB_SPECIAL_H

double gb_gammaln(double x);              /* log|gamma(x)| */
double gb_gamma(double x);
double gb_digamma(double x);
double gb_polygamma(double n, double x);  /* n-th derivative of digamma */
double gb_zeta(double s, double q);       /* Hurwitz zeta, s > 1, q > 0 */
double gb_beta(double a, double b);
double gb_betaln(double a, double b);     /* log|beta(a, b)| */

double gb_erf(double x);
double gb_erfc(double x);
double gb_erfinv(double y);
double gb_erfcinv(double y);
double gb_ndtr(double x);                 /* standard normal cdf */
double gb_ndtri(double p);                /* its inverse */

double gb_gammainc(double a, double x);   /* P(a, x) */
double gb_gammaincc(double a, double x);  /* Q(a, x) = 1 - P(a, x) */
double gb_gammaincinv(double a, double p);
double gb_gammainccinv(double a, double q);
double gb_betainc(double a, double b, double x);
double gb_betaincc(double a, double b, double x);     /* 1 - I_x(a, b) */
double gb_betaincinv(double a, double b, double p);
double gb_betainccinv(double a, double b, double q);  /* I_x(a, b) = 1 - q */

double gb_expit(double x);
double gb_logit(double p);
double gb_xlogy(double x, double y);      /* 0 when x == 0 */
double gb_xlog1py(double x, double y);
double gb_log1mexp(double x);             /* log(1 - exp(x)), x <= 0 */
double gb_logaddexp(double x, double y);

/* Helpers that the distributions of stats.c share. */
double gb_log1pmx(double t);              /* log(1 + t) - t */
double gb_lgamma1p(double a);             /* log gamma(1 + a), accurate near 0 */
double gb_stirlerr(double n);             /* log(n!) - log(sqrt(2 pi n) (n/e)^n) */
double gb_bd0(double x, double m);        /* x log(x/m) + m - x */

#endif
