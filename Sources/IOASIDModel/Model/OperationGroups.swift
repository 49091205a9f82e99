/// The `ops` groups in force, as bits: `ActionSpace` asks about two dozen groups for every
/// expanded state, and a `Set` lookup hashes the enum's string each time.
struct OperationGroups: Sendable {
    private var bits: UInt64 = 0

    init<S: Sequence>(_ groups: S) where S.Element == OperationGroup {
        for g in groups { bits |= Self.bit(g) }
    }

    func contains(_ g: OperationGroup) -> Bool { bits & Self.bit(g) != 0 }

    /// A payload-free enum is stored as its case's position in declaration order; reading that
    /// byte costs nothing, where `allCases.firstIndex` would build the case array on every call.
    /// `OperationGroupsTests` checks that every case gets its own bit.
    static func bit(_ g: OperationGroup) -> UInt64 {
        UInt64(1) << UInt64(unsafeBitCast(g, to: UInt8.self) & 63)
    }
}
