//! A criterion measurement of the benchmark thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`, through
//! rustix's safe wrapper) instead of wall time.
//!
//! The shared 2-core machine runs several builds at once, so wall time there mostly measures the
//! wait for a core; CPU time is what the code itself costs. Select it with `REDLINE_BENCH_CPU=1`
//! (criterion's default wall-clock measurement otherwise).

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use rustix::time::{ClockId, clock_gettime};

/// CPU time of the calling thread, in nanoseconds.
pub struct CpuTime;

fn now() -> u64 {
    let t = clock_gettime(ClockId::ThreadCPUTime);
    u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(t.tv_nsec).unwrap_or(0)
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        now()
    }

    fn end(&self, start: u64) -> u64 {
        now().saturating_sub(start)
    }

    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        // Nanoseconds, formatted as times (and throughputs per second) like wall time.
        static WALL: WallTime = WallTime;
        WALL.formatter()
    }
}

/// True when `REDLINE_BENCH_CPU` asks for CPU time.
pub fn wanted() -> bool {
    std::env::var_os("REDLINE_BENCH_CPU").is_some_and(|v| v != "0")
}

/// A benchmark binary's `main`: runs the generic bench functions (each of signature
/// `fn<M: Measurement>(&mut Criterion<M>)`) with CPU time when [`wanted`], wall time otherwise.
#[macro_export]
macro_rules! criterion_main_cpu {
    ($($bench:ident),+ $(,)?) => {
        fn main() {
            if cpu_time::wanted() {
                let mut c =
                    criterion::Criterion::default().with_measurement(cpu_time::CpuTime).configure_from_args();
                $($bench(&mut c);)+
                c.final_summary();
            } else {
                let mut c = criterion::Criterion::default().configure_from_args();
                $($bench(&mut c);)+
                c.final_summary();
            }
        }
    };
}
