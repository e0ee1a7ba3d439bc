#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(CDispatch)
// In optimized builds the C types of <sys/stat.h> and <time.h> can be attributed to CDispatch, whose headers
// include them first; without this import, member import visibility rejects their fields.
import CDispatch
#endif

/// CPU time of the calling thread so far: what a piece of work costs, however busy the machine is.
package func threadCPUTime() -> Duration {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
}
