#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's peak resident memory (`getrusage`'s `ru_maxrss`): what a run really cost,
/// reported beside the visited-set and trace figures, which count only those structures.
enum PeakMemory {
    /// Bytes; 0 where the platform does not say.
    static var bytes: Int {
        var usage = rusage()
        #if canImport(Glibc)
        let who = __rusage_who_t(RUSAGE_SELF.rawValue)
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return 0 }
        #if canImport(Darwin)
        return Int(usage.ru_maxrss)          // bytes on Darwin
        #else
        return Int(usage.ru_maxrss) * 1024   // kilobytes on Linux
        #endif
    }
}
