/// A translation vector file (`models/translation/*.vectors`): one table setup, then named vectors,
/// each a list of steps with the result the kernel's rules predict.
public struct VectorFile: Sendable {
    public var path: String
    public var setup: VectorSetup
    public var vectors: [TranslationVector]
}

/// The tables every vector of a file starts from (empty).
public enum VectorSetup: Sendable {
    /// One table serving `stage`.
    case single(PageTable, stage: TranslationStage)
    /// A guest stage-1 table (root at a GPA) over a host stage-2 table.
    case nested(stage1: PageTable, stage2: PageTable)

    /// Name of the setup's format(s), for the selfcheck table.
    public var formatName: String {
        switch self {
        case .single(let t, _): return t.format.description
        case .nested(let s1, let s2): return "nested \(s1.format)/\(s2.format)"
        }
    }
}

/// A named vector.
public struct TranslationVector: Sendable {
    public var name: String
    public var line: Int
    public var steps: [VectorStep]
}

/// Which table of the setup a step acts on.
public enum TableChoice: String, Hashable, Sendable {
    /// The only table of a single setup; for `walk` in a nested setup, the two-stage walk.
    case main
    case s1
    case s2
}

/// One step: an operation on a table and what must come of it.
public struct VectorStep: Sendable {
    public var line: Int
    public var lineText: String
    public var operation: VectorOperation
    public var expectation: VectorExpectation
}

/// The operations of a vector.
public enum VectorOperation: Sendable {
    case map(TableChoice, iova: UInt64, paddr: UInt64, size: UInt64, permissions: Permissions,
             stage: TranslationStage?, tableAddress: UInt64?)
    case unmap(TableChoice, iova: UInt64, size: UInt64, largeLeaf: UnmapLargeLeaf)
    case walk(TableChoice, iova: UInt64, access: Access?)
    /// The table's whole leaf decomposition.
    case leaves(TableChoice)
    /// How many intermediate tables exist.
    case tables(TableChoice)
}

/// A leaf as a vector lists it: `IOVA+SIZE`, optionally `@OUTPUT`.
public struct ExpectedLeaf: Hashable, Sendable {
    public var iova: UInt64
    public var size: UInt64
    public var output: UInt64?
}

/// What a step must produce. Optional fields are checked only when written.
public enum VectorExpectation: Sendable {
    /// `ok` or an errno (map).
    case status(Errno?)
    /// Bytes returned (unmap).
    case bytes(UInt64)
    case translated(output: UInt64, pageSize: UInt64?, level: Int?, refs: Int?, permissions: Permissions?)
    case fault(kind: FaultKind?, stage: TranslationStage?, level: Int?, refs: Int?, site: ExpectedFaultSite?)
    case leaves([ExpectedLeaf])
    case count(Int)
}

/// `on=output` or `on=s1-table` (with the stage-1 level given by `s1-level=`, if written).
public enum ExpectedFaultSite: Hashable, Sendable {
    case output
    case stage1Table(level: Int?)
}
