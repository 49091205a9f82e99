#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command writes: standard output and standard error, replaceable in tests.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
        self.out = out
        self.err = err
    }

    /// Says nothing: the ranks of a distributed run other than the first.
    public static let silent = Console(out: { _ in }, err: { _ in })

    /// The process's own streams.
    public static let standard = Console(
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
