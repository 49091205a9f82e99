import Explorer
import IOASIDModel

/// A design written outside the module, with the public API only: a device that caches
/// translations of a four-page window in an IOTLB. Userspace maps and unmaps pages; a DMA to a
/// mapped page fills the IOTLB; whether UNMAP invalidates the IOTLB is the design's knob.
/// Its own invariant: the IOTLB never holds a page that is not mapped (a DMA could still reach
/// memory the user took back).
public struct TinyIOTLB: Proposal {
    public struct State: Hashable, Sendable {
        /// Bit `p`: page `p` is mapped.
        public var mapped: UInt8 = 0
        /// Bit `p`: the IOTLB holds page `p`.
        public var cached: UInt8 = 0
    }

    public enum Operation: CatalogOperation {
        case map(page: UInt64)
        case unmap(page: UInt64)
        case dma(page: UInt64)

        public enum Kind: Int, CaseIterable, Hashable, Sendable { case map, unmap, dma }

        public static let catalog = OperationCatalog<Operation> { kind in
            switch kind {
            case .map: return OperationSpec("TINY_MAP", ["page": .u64], "map a page of the window")
            case .unmap: return OperationSpec("TINY_UNMAP", ["page": .u64], "unmap a page (and invalidate the IOTLB if the knob says so)")
            case .dma: return OperationSpec("TINY_DMA", ["page": .u64], "a DMA by the device to a page: fills the IOTLB", isAccess: true)
            }
        }

        public var kind: Kind {
            switch self {
            case .map: return .map
            case .unmap: return .unmap
            case .dma: return .dma
            }
        }

        public var page: UInt64 {
            switch self {
            case .map(let p), .unmap(let p), .dma(let p): return p
            }
        }

        public init?(kind: Kind, arguments: [String: ArgValue]) {
            guard case .number(let page)? = arguments["page"] else { return nil }
            switch kind {
            case .map: self = .map(page: page)
            case .unmap: self = .unmap(page: page)
            case .dma: self = .dma(page: page)
            }
        }

        public func arguments(_ topology: Topology) -> [(String, ArgumentText)] { [("page", .number(page))] }
    }

    /// Nothing of the shared hardware layer: the shared five hold trivially.
    public struct View: HardwareView {
        public let topology: Topology
        public var hardware: Hardware { Hardware() }
        public func intendedSegments(of domain: DomainID) -> [Segment]? { nil }
        public func danglingReferences() -> [Violation] { [] }
    }

    public static let name = "tiny-iotlb"
    public static let summary = "a four-page IOTLB behind map/unmap (an example of a design added from outside)"
    public static let knobs = [DesignKnob("flush-on-unmap", values: ["yes", "no"], default: "yes", "whether UNMAP invalidates the IOTLB")]
    public static let invariants = [DesignInvariant("no-stale-iotlb", "the IOTLB holds only mapped pages")]
    public static let groups = [ExploreGroup("map", "TINY_MAP of each page", isDefault: true),
                                ExploreGroup("unmap", "TINY_UNMAP of each page", isDefault: true),
                                ExploreGroup("dma", "TINY_DMA to each page", isDefault: true)]
    public static let objectKinds: [ObjectKind] = []
    static let pages: UInt64 = 4
    static let noStale = invariants[0].name

    public let topology: Topology
    let flushes: Bool
    let groups: Set<String>

    public init(model: Model) {
        topology = model.topology
        flushes = model.knob("flush-on-unmap") == "yes"
        groups = model.explore?.groups ?? []
    }

    public var initialState: State { State() }

    public func apply(_ op: Operation, to s: inout State) -> Outcome {
        guard op.page < Self.pages else { return .errno(.EINVAL) }
        let bit = UInt8(1) << UInt8(op.page)
        switch op {
        case .map:
            guard s.mapped & bit == 0 else { return .errno(.EEXIST) }
            s.mapped |= bit
        case .unmap:
            guard s.mapped & bit != 0 else { return .errno(.ENOENT) }
            s.mapped &= ~bit
            if flushes { s.cached &= ~bit }
        case .dma:
            // A cached translation is used as it is; otherwise the table is walked.
            guard s.cached & bit != 0 || s.mapped & bit != 0 else { return Outcome(.fault(stage: 1, level: 0)) }
            s.cached |= bit
        }
        return .ok
    }

    public func view(of state: State) -> View { View(topology: topology) }

    public func violation(of name: InvariantName, in s: State) -> Violation? {
        guard name == Self.noStale else { return Invariants.check(name, in: view(of: s)) }
        let stale = s.cached & ~s.mapped
        guard stale != 0 else { return nil }
        let page = UInt64(stale.trailingZeroBitCount)
        return Violation(name, "the IOTLB still translates a page the user unmapped", objects: ["page \(page)"],
                         address: page << 12, expected: "no translation", found: "a cached one")
    }

    public func actions(of state: State, into out: inout ActionFamilies<Operation>) {
        for page in 0..<Self.pages {
            if groups.contains("map") { out.append(.map(page: page)) }
            if groups.contains("unmap") { out.append(.unmap(page: page)) }
            if groups.contains("dma") { out.append(.dma(page: page)) }
        }
    }

    public func exceedsCaps(_ state: State) -> Bool { false }
    public func holds(_ atom: GoalAtom, in state: State) -> Bool { false }

    public func encode<W: WordSink>(_ s: State, into sink: inout W) { sink.put(UInt64(s.mapped) | UInt64(s.cached) << 8) }

    public func decode(_ reader: inout WordReader) -> State? {
        let w = reader.next()
        return State(mapped: UInt8(truncatingIfNeeded: w), cached: UInt8(truncatingIfNeeded: w >> 8))
    }

    public func describe(_ s: State) -> [String] {
        (0..<Self.pages).flatMap { p -> [String] in
            let bit = UInt8(1) << UInt8(p)
            return (s.mapped & bit != 0 ? ["page \(p) mapped"] : []) + (s.cached & bit != 0 ? ["iotlb page \(p)"] : [])
        }
    }

    public func dot(_ s: State, violation: Violation?) -> String {
        "digraph tiny {\n" + describe(s).map { "  \"\($0)\";" }.joined(separator: "\n") + "\n}\n"
    }
}
