/// A successful walk: where the access goes and what the walk found on the way.
public struct Translation: Hashable, Sendable {
    /// The output address (physical, or guest-physical for a stage-1 table walked alone).
    public var output: UInt64
    /// The effective permissions of the final leaf (both stages' intersection for a nested walk).
    public var permissions: Permissions
    /// Bytes of the leaf that served the walk (for a nested walk, the smaller of the two stages').
    public var pageSize: UInt64
    /// Level of the leaf (the stage-1 leaf for a nested walk).
    public var level: Int
    /// Table entries read, both stages for a nested walk; the PASID-table / context-descriptor
    /// fetch is not counted.
    public var refs: Int

    public init(output: UInt64, permissions: Permissions, pageSize: UInt64, level: Int, refs: Int) {
        self.output = output
        self.permissions = permissions
        self.pageSize = pageSize
        self.level = level
        self.refs = refs
    }
}

/// Why a walk stopped without a translation.
public enum FaultKind: String, Hashable, Sendable, CaseIterable {
    /// An invalid entry: nothing is mapped there.
    case translation
    /// A leaf that does not allow the access.
    case permission
    /// The address lies outside the format's input range.
    case addressSize = "address-size"
}

/// What the walker was fetching when a stage-2 fault struck.
public enum FaultSite: Hashable, Sendable {
    /// The access's own output address.
    case output
    /// The stage-1 table of `level` (its GPA had no usable stage-2 translation): SMMUv3's
    /// "translation table fetch" class; VT-d's second-stage fault on a first-stage structure.
    case stage1TableFetch(level: Int)
}

/// A fault: which stage and level, what kind, and how many references the walk made first.
public struct Fault: Hashable, Sendable {
    public var kind: FaultKind
    public var stage: TranslationStage
    public var level: Int
    public var refs: Int
    public var site: FaultSite

    public init(kind: FaultKind, stage: TranslationStage, level: Int, refs: Int, site: FaultSite = .output) {
        self.kind = kind
        self.stage = stage
        self.level = level
        self.refs = refs
        self.site = site
    }
}

/// The outcome of a walk.
public enum WalkResult: Hashable, Sendable {
    case translated(Translation)
    case fault(Fault)

    /// The translation, if the walk succeeded.
    public var translation: Translation? {
        if case .translated(let t) = self { return t }
        return nil
    }

    /// The fault, if the walk failed.
    public var fault: Fault? {
        if case .fault(let f) = self { return f }
        return nil
    }
}

extension PageTable {
    /// Walks the table for `iova` as the IOMMU would, from the root down.
    /// - Parameters:
    ///   - access: checked against the leaf's permissions; nil walks like `iova_to_phys`.
    ///   - stage: the stage reported in a fault.
    @inlinable
    public func walk(_ iova: UInt64, access: Access? = nil, stage: TranslationStage = .stage1) -> WalkResult {
        guard iova < format.inputLimit else {
            return .fault(Fault(kind: .addressSize, stage: stage, level: 0, refs: 0))
        }
        if let hit = leafIndex(covering: iova) {
            let leaf = leafStore[hit]
            let level = Int(leaf.level)
            if let access, !leaf.permissions.allows(access) {
                return .fault(Fault(kind: .permission, stage: stage, level: level, refs: level + 1))
            }
            let size = format.entrySize(level)
            return .translated(Translation(output: leaf.output + (iova - leaf.iova), permissions: leaf.permissions,
                                           pageSize: size, level: level, refs: level + 1))
        }
        // No leaf: the walk reads entries down the existing tables and stops at the first invalid one.
        var level = 0
        while childTable(of: level, for: iova) != nil { level += 1 }
        return .fault(Fault(kind: .translation, stage: stage, level: level, refs: level + 1))
    }

    /// What the entry of `level` for `iova` holds, for walkers that step level by level.
    @inlinable
    public func entry(at level: Int, for iova: UInt64) -> TableEntry {
        if let hit = leafIndex(covering: iova), Int(leafStore[hit].level) == level { return .leaf(leafStore[hit]) }
        if let child = childTable(of: level, for: iova) { return .table(tableStore[child]) }
        return .invalid
    }
}

/// One entry of a table, as a level-by-level walker sees it.
public enum TableEntry: Hashable, Sendable {
    case invalid
    case table(TableNode)
    case leaf(Leaf)
}
