/// The five invariants of `SPEC.md` §4, by their fixed names.
public enum InvariantName: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case noOverlap = "no-overlap"
    case compat
    case pasidUnique = "pasid-unique"
    case translation
    case lifetime

    public var description: String { rawValue }

    /// One line for `modelcheck list`.
    public var explanation: String {
        switch self {
        case .noOverlap:
            return "each (device, PASID, IOVA) reaches at most one page table; several IOASes on one device only where windows or PASIDs tell them apart"
        case .compat:
            return "a page table is walked only by IOMMUs that support its format and page sizes, and a coherency-enforcing domain only where coherency can be enforced"
        case .pasidUnique:
            return "a (device, PASID) routes to one domain, PASIDs fit the device's and IOMMU's width, one owner where the space is global, one guest address space per PASID under vsva"
        case .translation:
            return "every routed (device, PASID) translates exactly what the user mapped, with the permissions the stage can express; reserved regions never translate on a RID route"
        case .lifetime:
            return "no destroyed object is referenced by another object or a route; nothing hardware uses is freed"
        }
    }
}

/// A broken invariant, in words a kernel reviewer reads: which objects, which address, what was
/// expected and what the hardware does.
public struct Violation: Hashable, Sendable, CustomStringConvertible {
    public var invariant: InvariantName
    /// The objects involved (`dev gpu`, `pasid 3`, `domain 2`, `hwpt 4`).
    public var objects: [String]
    public var address: UInt64?
    public var expected: String?
    public var found: String?
    /// One sentence naming the rule that broke.
    public var summary: String

    public init(_ invariant: InvariantName, _ summary: String, objects: [String] = [], address: UInt64? = nil,
                expected: String? = nil, found: String? = nil) {
        self.invariant = invariant
        self.summary = summary
        self.objects = objects
        self.address = address
        self.expected = expected
        self.found = found
    }

    public var description: String {
        var s = "\(invariant): \(summary)"
        if !objects.isEmpty { s += " [" + objects.joined(separator: ", ") + "]" }
        if let address { s += " at IOVA \(SizeText.hex(address))" }
        if let expected { s += "; expected \(expected)" }
        if let found { s += ", found \(found)" }
        return s
    }
}
