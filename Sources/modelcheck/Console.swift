#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command writes: standard output and standard error, replaceable in tests.
struct Console: Sendable {
    var out: @Sendable (String) -> Void
    var err: @Sendable (String) -> Void

    /// The process's own streams.
    static let standard = Console(
        out: { text in
            print(text)
            fflush(nil)
        },
        err: { text in
            let line = text + "\n"
            // Unbuffered, so that diagnostics and progress interleave with stdout as they happen.
            var bytes = Array(line.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
                if n <= 0 { break }
                offset += n
            }
        })
}
