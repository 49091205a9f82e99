#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// SIGINT ends a search cleanly: the handler only sets a flag that the search polls between
/// transitions; the run then reports `incomplete` with partial statistics and exits 3.
enum Interrupt {
    static let requested = Atomic<Bool>(false)

    static func install() {
        signal(SIGINT) { _ in Interrupt.requested.store(true, ordering: .relaxed) }
    }

    static var poll: @Sendable () -> Bool { { requested.load(ordering: .relaxed) } }
}
