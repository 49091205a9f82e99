/// The designs a model file can name with `proposal NAME`. This is the one place in the tree that
/// lists them: adding a design is one folder under `Proposals/` and one line here (or, from
/// outside the module, `registering(_:)` on a copy of `standard`).
public struct ProposalRegistry: Sendable {
    public private(set) var types: [any Proposal.Type]

    public static let standard = ProposalRegistry(types: [
        IOMMUFDProposal.self,
        VFIOType1Proposal.self,
        IOMMUAPIProposal.self,
        BindTableProposal.self,
        VFIOPasidRequestProposal.self,
        DevIOASIDProposal.self,
    ])

    public init(types: [any Proposal.Type]) { self.types = types }

    /// This registry with `type` added (replacing a design of the same name).
    public func registering(_ type: any Proposal.Type) -> ProposalRegistry {
        var copy = self
        copy.types.removeAll { $0.name == type.name }
        copy.types.append(type)
        return copy
    }

    public var names: [String] { types.map { $0.name } }

    public func type(named name: String) -> (any Proposal.Type)? { types.first { $0.name == name } }
}

/// Something to do with a model's design, written once for every design: `visit` is called
/// with the design configured by the model.
public protocol ProposalVisitor {
    associatedtype Result
    func visit<P: Proposal>(_ proposal: P, model: Model) -> Result
}

extension Model {
    /// Calls `visitor` with this model's design.
    public func open<V: ProposalVisitor>(_ visitor: V) -> V.Result {
        func go<P: Proposal>(_ type: P.Type) -> V.Result { visitor.visit(P(model: self), model: self) }
        return go(proposalType)
    }
}
