/// A small deterministic generator (SplitMix64): seeded walks and property tests give the same
/// sequence on every run and machine.
public struct SplitMix64: Sendable {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<n` (0 when n is 0).
    public mutating func below(_ n: UInt64) -> UInt64 { n == 0 ? 0 : next() % n }

    /// An index into a collection of `count` elements.
    public mutating func index(_ count: Int) -> Int { Int(below(UInt64(max(0, count)))) }

    /// A random element of a non-empty array.
    public mutating func pick<T>(_ xs: [T]) -> T { xs[index(xs.count)] }
}
