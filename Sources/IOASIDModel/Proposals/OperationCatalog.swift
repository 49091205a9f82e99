/// An operation type whose every kind has one catalog row: the uAPI name, the fields with their
/// kinds, the outputs and a summary. Parsing, printing, coverage indices and `modelcheck list` are
/// all read from the rows, so there is no second list to keep in step.
public protocol CatalogOperation: Hashable, Sendable {
    /// One case per row, in catalog order; its raw value is the row's index (assigned by the
    /// compiler: cases are never numbered by hand).
    associatedtype Kind: CaseIterable, Hashable, Sendable, RawRepresentable where Kind.RawValue == Int

    static var catalog: OperationCatalog<Self> { get }
    /// The row this operation is an instance of.
    var kind: Kind { get }
    /// The operation a step of `kind` with these field values stands for (fields not written are
    /// zero, as in a zeroed uAPI struct); nil when a required field is missing.
    init?(kind: Kind, arguments: [String: ArgValue])
    /// The fields as a scenario writes them, in row order (defaults left out), so that a printed
    /// trace pastes back into a model file.
    func arguments(_ topology: Topology) -> [(String, ArgumentText)]
}

extension CatalogOperation {
    /// The uAPI name.
    public var name: String { Self.catalog.spec(kind).name }

    /// The operation as a scenario step writes it (`NAME field=value…`).
    public func scenarioText(_ topology: Topology) -> String {
        ([name] + arguments(topology).map { "\($0.0)=\($0.1.text)" }).joined(separator: " ")
    }
}

/// The rows of an operation type, built once from its `Kind` cases.
public struct OperationCatalog<Operation: CatalogOperation>: Sendable {
    public let specs: [OperationSpec]

    public init(_ row: (Operation.Kind) -> OperationSpec) {
        specs = Operation.Kind.allCases.map(row)
    }

    public func spec(_ kind: Operation.Kind) -> OperationSpec { specs[kind.rawValue] }
}
