/// A hardware domain's handle: its slot in `Hardware.domains` (lowest free, as an allocator of
/// driver objects would give).
public typealias DomainID = UInt16

/// An IOMMU domain: one page table the hardware walks, with the properties fixed when it was
/// allocated.
public struct Domain: Hashable, Sendable {
    public var id: DomainID
    /// The IOMMU it was allocated for (`domain-scope` decides where else it may be attached).
    public var iommu: Int
    public var preset: FormatPreset
    /// Whether it was created enforcing cache coherency (blocking no-snoop).
    public var enforcesCoherency: Bool
    /// Allocated with `IOMMU_HWPT_ALLOC_DIRTY_TRACKING` (it has dirty ops).
    public var dirtyTracking: Bool
    /// What tracking recorded (meaningful only with `dirtyTracking`).
    public var dirty = DirtyLog()
    /// The stage its table serves: a nest parent is a stage-2 table, a paging domain stage 1, and a
    /// nested domain's own table is the guest's stage 1.
    public var stage: TranslationStage
    public var table: PageTable
    /// A nested domain's stage-2 domain (its nest parent).
    public var parent: DomainID?
    /// Set when the object that owned the domain was destroyed while hardware still used it
    /// (only under `destroy-check = none`): the memory is gone, and `lifetime` reports any route
    /// or child still pointing here.
    public var freed: Bool

    public init(id: DomainID, iommu: Int, preset: FormatPreset, enforcesCoherency: Bool, dirtyTracking: Bool,
                stage: TranslationStage, table: PageTable, parent: DomainID? = nil) {
        self.id = id
        self.iommu = iommu
        self.preset = preset
        self.enforcesCoherency = enforcesCoherency
        self.dirtyTracking = dirtyTracking
        self.stage = stage
        self.table = table
        self.parent = parent
        self.freed = false
    }

    public var isNested: Bool { parent != nil }
}

/// A route: the hardware walks `domain` for DMA tagged with `pasid` (0 = the RID, no PASID) from
/// every device of `group` — IOMMUs isolate groups, not devices. `window`, when set, limits the
/// route to an IOVA window (multi-window IOMMUs).
public struct Route: Hashable, Sendable, Comparable {
    public var group: UInt16
    public var pasid: UInt32
    public var domain: DomainID
    public var window: IOVARange?

    public init(group: Int, pasid: UInt32, domain: DomainID, window: IOVARange? = nil) {
        self.group = UInt16(group)
        self.pasid = pasid
        self.domain = domain
        self.window = window
    }

    public static func < (a: Route, b: Route) -> Bool {
        (a.group, a.pasid, a.domain) < (b.group, b.pasid, b.domain)
    }
}
