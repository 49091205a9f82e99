/// An invariant by name: the five of `SPEC.md` §4, shared by every design, or one a design
/// declares for itself (`Proposal.invariants`).
public struct InvariantName: Hashable, Sendable, CaseIterable, CustomStringConvertible {
    public let rawValue: String
    /// A digest of `rawValue`, compared before the string: the explorer matches each name of a
    /// model's invariants against a design's several for every new state, and two different names
    /// almost always differ here, which spares a string comparison in the runtime.
    private let key: UInt64

    public static let noOverlap = InvariantName(design: "no-overlap")
    public static let compat = InvariantName(design: "compat")
    public static let pasidUnique = InvariantName(design: "pasid-unique")
    public static let translation = InvariantName(design: "translation")
    public static let lifetime = InvariantName(design: "lifetime")

    /// The shared five, in the order they are checked.
    public static let allCases: [InvariantName] = [.noOverlap, .compat, .pasidUnique, .translation, .lifetime]

    /// One of the shared five by its name; nil for any other name.
    public init?(rawValue: String) {
        guard let shared = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = shared
    }

    /// Any name (a design's own invariant).
    public init(design name: String) {
        rawValue = name
        key = name.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    public static func == (a: InvariantName, b: InvariantName) -> Bool { a.key == b.key && a.rawValue == b.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

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
        default:
            return "an invariant of one design's own"
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
