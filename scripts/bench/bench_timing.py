"""The timing helper of the benchmark scripts' Python sides: bench(name,
reps, f) runs f reps times and prints "name seconds" with the best time."""
import gc
import time


def bench(name, reps, f):
    best = float("inf")
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    print("%s %.6f" % (name, best))
    return best
