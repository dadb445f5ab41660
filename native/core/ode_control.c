/*
** What every ODE method shares (ode.h): the method names, the default
** options, evaluation of a step's dense polynomial, the explicit pairs'
** error norm and Hairer's initial step, and the dispatch from a method to
** its stepper.
*/
#include <math.h>
#include <string.h>

#include "ode.h"
#include "status.h"

static const char *const method_names[GB_ODE_NMETHODS] = {
  "rk4", "rk45", "tsit5", "dop853", "vern7", "vern9", "rodas5", "bdf", "adams", "auto"
};

const char *gb_ode_method_name(gb_ode_method m) {
  return (unsigned)m < GB_ODE_NMETHODS ? method_names[m] : "?";
}

void gb_ode_opts_init(gb_ode_opts *o) {
  static const double atol = 1e-9;
  memset(o, 0, sizeof *o);
  o->method = GB_ODE_RK45;
  o->rtol = 1e-6;
  o->atol = &atol;
  o->natol = 1;
}

/* Horner in theta, one component at a time. */
void gb_ode_step_eval(const gb_ode_step *s, size_t n, double t, double *y) {
  double span = s->t1 - s->t0;
  double theta = span != 0 ? (t - s->t0) / span : 1.0;
  for (size_t i = 0; i < n; i++) {
    double v = s->coef[(size_t)s->degree * n + i];
    for (int k = s->degree - 1; k >= 0; k--) v = v * theta + s->coef[(size_t)k * n + i];
    y[i] = v;
  }
}

static double atol_at(const gb_ode_opts *o, size_t i) {
  return o->natol > 1 ? o->atol[i] : o->atol[0];
}

double gb_ode_error_norm(const gb_ode_opts *o, size_t n, const double *err,
                         const double *y, const double *ynew) {
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    double sc = atol_at(o, i) + o->rtol * fmax(fabs(y[i]), fabs(ynew[i]));
    double e = err[i] / sc;
    sum += e * e;
  }
  return sqrt(sum / (double)n);
}

/* RMS of v scaled by atol + rtol |y|. */
static double scaled_rms(const gb_ode_opts *o, size_t n, const double *v, const double *y) {
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    double e = v[i] / (atol_at(o, i) + o->rtol * fabs(y[i]));
    sum += e * e;
  }
  return sqrt(sum / (double)n);
}

/* Hairer, Norsett and Wanner, Solving ODEs I, II.4: a first guess from the
   sizes of y0 and f0, one explicit Euler probe, and the step that keeps the
   local error of a method of this order near the tolerance.  The probe is
   clamped to max_step and to the span, so f never sees a time past tend. */
int gb_ode_initial_step(gb_ode_stepper *s, int order, double tend, const double *f0,
                        double *h) {
  const gb_ode_problem *p = s->p;
  const gb_ode_opts *o = s->o;
  size_t n = p->n;
  double span = fabs(tend - s->t), dir = tend >= s->t ? 1.0 : -1.0;
  double *y1 = gb_alloc_n(s->ctx, 2 * n, sizeof *y1);
  if (!y1) return GB_ENOMEM;
  double *f1 = y1 + n;

  double d0 = scaled_rms(o, n, s->y, s->y), d1 = scaled_rms(o, n, f0, s->y);
  double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
  h0 = fmin(h0, span);
  if (o->max_step > 0) h0 = fmin(h0, o->max_step);
  for (size_t i = 0; i < n; i++) y1[i] = s->y[i] + dir * h0 * f0[i];
  int st = p->f(p->ud, s->t + dir * h0, y1, f1);
  if (s->stats) s->stats->nfev++;
  if (st != GB_OK) {
    gb_free(s->ctx, y1);
    return st;
  }
  for (size_t i = 0; i < n; i++) f1[i] -= f0[i];
  double d2 = scaled_rms(o, n, f1, s->y) / h0;
  gb_free(s->ctx, y1);
  if (!isfinite(d2)) {
    s->failure_reason = "f returned a non-finite value at the first step";
    return GB_ENONFINITE;
  }

  double dmax = fmax(d1, d2);
  double h1 = dmax <= 1e-15 ? fmax(1e-6, h0 * 1e-3) : pow(0.01 / dmax, 1.0 / (order + 1));
  double hh = fmin(100 * h0, h1);
  hh = fmin(hh, span);
  if (o->max_step > 0) hh = fmin(hh, o->max_step);
  *h = dir * hh;
  return GB_OK;
}

/* The stiff and automatic methods live in their own files; a build without one
   of them reports the method as missing rather than failing to link. */
int gb_ode_open_rodas(gb_ode_stepper *s, double tend) __attribute__((weak));
int gb_ode_open_cvode(gb_ode_stepper *s, double tend) __attribute__((weak));
int gb_ode_open_auto(gb_ode_stepper *s, double tend) __attribute__((weak));
int gb_ode_open_rk(gb_ode_stepper *s, double tend) __attribute__((weak));

int gb_ode_stepper_open(gb_ctx *ctx, gb_ode_stepper *s, const gb_ode_problem *p,
                        const gb_ode_opts *o, gb_ode_stats *stats,
                        double t0, const double *y0, double tend) {
  int (*open)(gb_ode_stepper *, double);
  memset(s, 0, sizeof *s);
  s->p = p;
  s->o = o;
  s->ctx = ctx;
  s->stats = stats;
  s->t = t0;
  switch (o->method) {
  case GB_ODE_RK4: case GB_ODE_RK45: case GB_ODE_TSIT5: case GB_ODE_DOP853:
  case GB_ODE_VERN7: case GB_ODE_VERN9: open = gb_ode_open_rk; break;
  case GB_ODE_RODAS5: open = gb_ode_open_rodas; break;
  case GB_ODE_BDF: case GB_ODE_ADAMS: open = gb_ode_open_cvode; break;
  case GB_ODE_AUTO: open = gb_ode_open_auto; break;
  default: return GB_EINVAL;
  }
  if (!open) return GB_EINVAL;
  s->y = gb_alloc_n(ctx, p->n, sizeof *s->y);
  if (!s->y) return GB_ENOMEM;
  memcpy(s->y, y0, p->n * sizeof *y0);
  int st = open(s, tend);
  if (st != GB_OK) {
    gb_free(ctx, s->y);
    s->y = NULL;
  }
  return st;
}

void gb_ode_stepper_close(gb_ode_stepper *s) {
  if (s->close) s->close(s);
  s->close = NULL;
  gb_free(s->ctx, s->y);
  s->y = NULL;
}
