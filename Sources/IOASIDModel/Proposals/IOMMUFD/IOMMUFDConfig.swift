/// The knobs the iommufd proposal owns, with the merged kernel's behaviour as the default.
public struct IOMMUFDConfig: Hashable, Sendable {
    public enum CompatCheck: String, Hashable, Sendable { case attach, join, none }
    public enum DomainScope: String, Hashable, Sendable { case instance, compatible, shared }
    public enum DestroyCheck: String, Hashable, Sendable { case refcount, none }

    public var compatCheck: CompatCheck = .attach
    public var domainScope: DomainScope = .compatible
    public var stage2PinTables = false
    public var unmapLargeLeaf: UnmapLargeLeaf = .refuse
    public var destroyCheck: DestroyCheck = .refcount

    public init() {}

    /// Knob values this version accepts on iommufd but does not model yet (a model that sets
    /// them is refused rather than silently run with the default).
    public static let unmodelled: [Knob: Set<String>] = [
        .multiAttach: ["disjoint-windows", "unchecked"],
        .pasidScope: ["global", "per-vm"],
    ]

    /// Applies `set KNOB = VALUE`; returns false for a value this proposal does not know.
    public mutating func set(_ knob: Knob, _ value: String) -> Bool {
        switch knob {
        case .compatCheck: guard let v = CompatCheck(rawValue: value) else { return false }; compatCheck = v
        case .domainScope: guard let v = DomainScope(rawValue: value) else { return false }; domainScope = v
        case .stage2PinTables: guard value == "yes" || value == "no" else { return false }; stage2PinTables = value == "yes"
        case .unmapLargeLeaf: guard let v = UnmapLargeLeaf(rawValue: value) else { return false }; unmapLargeLeaf = v
        case .destroyCheck: guard let v = DestroyCheck(rawValue: value) else { return false }; destroyCheck = v
        case .multiAttach, .pasidScope: return knob.values.contains(value)
        default: return false
        }
        return true
    }
}
