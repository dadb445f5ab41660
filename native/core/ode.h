/*
** ode.h: ordinary differential equations y' = f(t, y), integrated in core.
**
** Three layers, each usable from C without Lua:
**   - a problem (gb_ode_problem): the right-hand side, its optional Jacobian
**     and events, all plain C function pointers returning a status;
**   - steppers (gb_ode_stepper): one method each (explicit Runge-Kutta pairs,
**     Rosenbrock, CVODE's BDF and Adams), each able to take one accepted step
**     and to describe that step as a polynomial (its dense output);
**   - the driver (gb_ode_solve): step loop, t_eval output, events located on
**     the dense output, limits, and the record that sol:at() reads.
**
** Callbacks follow docs/internals.md: they return GB_OK or a status; on any
** other status the kernel frees its scratch and returns that status.
*/
#ifndef GB_ODE_H
#define GB_ODE_H

#include <stddef.h>
#include <stdint.h>
#include "ctx.h"

/* f(t, y) -> dy, all of length n. */
typedef int (*gb_ode_fn)(void *ud, double t, const double *y, double *dy);
/* The Jacobian df/dy at (t, y), row-major n x n: J[i*n + j] = d f_i / d y_j.
   For a banded problem the full n x n array is still filled (zeros outside
   the band). */
typedef int (*gb_ode_jac_fn)(void *ud, double t, const double *y, double *J);
/* The event functions: g[k] for k < nevents; an event is a sign change. */
typedef int (*gb_ode_event_fn)(void *ud, double t, const double *y, double *g);

typedef struct gb_ode_problem {
  size_t n;                 /* state length, >= 1 */
  gb_ode_fn f;
  gb_ode_jac_fn jac;        /* NULL: finite differences (or CVODE's quotients) */
  int band_lower;           /* >= 0 with band_upper: banded Jacobian; -1: dense */
  int band_upper;
  gb_ode_event_fn events;   /* NULL: none */
  size_t nevents;
  void *ud;                 /* passed to f, jac and events */
} gb_ode_problem;

typedef enum gb_ode_method {
  GB_ODE_RK4,               /* classic fixed step, opts.dt */
  GB_ODE_RK45,              /* Dormand-Prince 5(4), SciPy's RK45 */
  GB_ODE_TSIT5,             /* Tsitouras 5(4) */
  GB_ODE_DOP853,            /* Hairer's 8(5,3), 7th-order dense output */
  GB_ODE_VERN7,
  GB_ODE_VERN9,
  GB_ODE_RODAS5,            /* Rosenbrock, stiff, LU through LAPACK */
  GB_ODE_BDF,               /* CVODE, variable-order BDF, Newton */
  GB_ODE_ADAMS,             /* CVODE, Adams-Moulton, functional iteration */
  GB_ODE_AUTO,              /* tsit5, switching to rodas5 when stiff, and back */
  GB_ODE_NMETHODS
} gb_ode_method;

const char *gb_ode_method_name(gb_ode_method m);  /* "rk45", ... */

/* Direction of an event's zero crossing that counts. */
enum { GB_ODE_EITHER = 0, GB_ODE_RISING = 1, GB_ODE_FALLING = -1 };

typedef struct gb_ode_opts {
  gb_ode_method method;
  double rtol;              /* > 0 */
  const double *atol;       /* natol values, each > 0 */
  size_t natol;             /* 1 (one for all) or n */
  double first_step;        /* 0: chosen (Hairer's rule) */
  double max_step;          /* 0: unbounded */
  double dt;                /* RK4's step; > 0 */
  size_t max_steps;         /* 0: unbounded; counts accepted + rejected */
  const double *t_eval;     /* output times, monotone in the direction of
                               integration; NULL: every step is saved */
  size_t nt_eval;
  int dense;                /* keep every step's polynomial (gb_ode_record) */
  const int *event_direction;   /* nevents entries or NULL (all EITHER) */
  const int *event_terminal;    /* nevents entries or NULL (none): stop at
                                   the k-th occurrence, 0: never */
} gb_ode_opts;

void gb_ode_opts_init(gb_ode_opts *o);  /* rk45, rtol 1e-6, atol 1e-9 */

typedef struct gb_ode_stats {
  size_t nfev, njev, nsteps, naccept, nreject, nlu;
} gb_ode_stats;

/* One accepted step, as its dense output: for theta in [0, 1],
     y(t0 + theta (t1 - t0)) = sum_{k=0..degree} coef[k*n + i] theta^k.
   coef is owned by the stepper and valid until its next step. */
typedef struct gb_ode_step {
  double t0, t1;
  int degree;
  const double *coef;       /* (degree + 1) x n */
} gb_ode_step;

/* Evaluate a step's polynomial at t (in [t0, t1]) into y (length n). */
void gb_ode_step_eval(const gb_ode_step *s, size_t n, double t, double *y);

/* A stepper: one method's state.  The driver owns it; gb_ode_stepper_open
   fills the function table and allocates through ctx. */
typedef struct gb_ode_stepper gb_ode_stepper;
struct gb_ode_stepper {
  const gb_ode_problem *p;
  const gb_ode_opts *o;
  gb_ctx *ctx;
  gb_ode_stats *stats;      /* counted by the stepper */
  double t;                 /* time of y */
  double *y;                /* current state, length n (allocated by
                               gb_ode_stepper_open, freed by _close) */
  double h;                 /* signed size of the next attempt */
  /* Take one accepted step towards tend, never past it (integration may be
     backwards: tend < t).  On GB_OK, t and y are the new point and step
     describes [t_old, t].  Rejected attempts are retried inside.  Returns a
     callback's status, GB_ENOMEM, the context's stop, GB_ENONFINITE (f gave
     NaN or inf) or GB_ENOCONV (step size underflow, Newton or CVODE
     failure), with failure_reason set to words for the last two. */
  int (*advance)(gb_ode_stepper *s, double tend, gb_ode_step *step);
  /* Restart after the driver moved the state (a terminal event, an event
     that changed y): y and t have been set by the caller. May be NULL. */
  int (*reset)(gb_ode_stepper *s);
  /* Optional: the stepper locates events itself (CVODE's root finding).
     When set, after advance() it reports in *roots (nevents flags, +1 rising,
     -1 falling, 0 none) the events whose zero is at step->t1. */
  int (*roots)(gb_ode_stepper *s, int *roots);
  void (*close)(gb_ode_stepper *s);   /* frees the method's state only */
  const char *failure_reason;   /* static text, for the status message */
  int stiff;                /* AUTO: 1 while in its stiff method */
  void *state;
};

int gb_ode_stepper_open(gb_ctx *ctx, gb_ode_stepper *s, const gb_ode_problem *p,
                        const gb_ode_opts *o, gb_ode_stats *stats,
                        double t0, const double *y0, double tend);

/* Calls s->close and frees s->y; safe on a stepper that failed to open. */
void gb_ode_stepper_close(gb_ode_stepper *s);

/* Per-method openers, dispatched on o->method by gb_ode_stepper_open. */
int gb_ode_open_rk(gb_ode_stepper *s, double tend);      /* ode_rk.c */
int gb_ode_open_rodas(gb_ode_stepper *s, double tend);   /* ode_rodas.c */
int gb_ode_open_cvode(gb_ode_stepper *s, double tend);   /* ode_cvode.c */
int gb_ode_open_auto(gb_ode_stepper *s, double tend);    /* ode_auto.c */

/* Hairer's initial step (Solving ODEs I, II.4) for a method of this order,
   from f0 = f(t, y), with its probe clamped to max_step and to the span, so f
   is never evaluated beyond tend.  *h is signed. */
int gb_ode_initial_step(gb_ode_stepper *s, int order, double tend, const double *f0,
                        double *h);
/* The error norm of the explicit pairs: RMS of err_i / (atol_i + rtol
   max(|y_i|, |ynew_i|)). */
double gb_ode_error_norm(const gb_ode_opts *o, size_t n, const double *err,
                         const double *y, const double *ynew);

/* What the driver keeps.  Arrays are allocated with gb_alloc(ctx) and freed by
   gb_ode_result_free; a failed or stopped run keeps what it had. */
typedef struct gb_ode_result {
  size_t n;
  size_t nsaved;            /* saved points: t[nsaved], y[nsaved * n] */
  double *t, *y;
  size_t nevents;           /* located events, in time order */
  double *event_t, *event_y;    /* event_y: nevents * n */
  int *event_which;         /* 0-based event index */
  /* dense record (opts.dense): nsteps polynomials */
  size_t nsteps;
  double *step_t;           /* nsteps + 1 boundaries */
  int *step_degree;
  size_t *step_offset;      /* into coef */
  double *coef;
  size_t capacity_[4];      /* growth bookkeeping */
  gb_ode_stats stats;
  int status;               /* GB_OK, or why it stopped */
  int terminated;           /* 1 when a terminal event ended it */
  double t_end;             /* where it stopped */
  const char *reason;       /* words for a failure, static text */
} gb_ode_result;

void gb_ode_result_free(gb_ctx *ctx, gb_ode_result *r);
/* sol:at(t): from the dense record; 0 when t is outside [t0, t_end]. */
int gb_ode_result_eval(const gb_ode_result *r, double t, double *y);

/* Integrate from t0 to t1 (t1 < t0: backwards).  Returns r->status.  A
   stop (interrupt, time limit) returns the stop status with the solution so
   far in r. */
int gb_ode_solve(gb_ctx *ctx, const gb_ode_problem *p, const gb_ode_opts *o,
                 double t0, double t1, const double *y0, gb_ode_result *r);

#endif
