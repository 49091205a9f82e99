/// The designs the shared iommufd machine runs (`MachineProposal`): iommufd itself, and
/// dev-ioasid until its state leaves iommufd's objects. The knobs they read and their defaults.
extension Knob {
    /// The default on `proposal` (the merged kernel's behaviour).
    func defaultValue(for proposal: ProposalName) -> String {
        if self == .pasidScope, proposal != .iommufd { return "global" }
        if self == .domainScope { return "compatible" }
        return values[0]
    }

    var owners: [ProposalName] {
        switch self {
        case .compatCheck, .multiAttach: return [.iommufd, .devIOASID]
        case .domainScope: return [.iommufd, .devIOASID]
        case .pgsizeSource: return []
        case .pasidScope: return [.iommufd, .devIOASID]
        case .pasidFree: return [.devIOASID]
        case .pasidTableOwner: return []
        case .stage2PinTables: return [.iommufd]
        case .unmapLargeLeaf, .destroyCheck: return ProposalName.allCases
        case .type1Impl, .type1Version: return []
        }
    }

}

/// The designs the machine runs, as its config names them (`IOMMUFDConfig.proposal`).
public enum ProposalName: String, Hashable, Sendable, CaseIterable {
    case iommufd
    case devIOASID = "dev-ioasid"

    public var explanation: String {
        switch self {
        case .iommufd: return "iommufd as merged (S7): IOAS, HWPT, device bind/attach/replace, PASIDs, nesting"
        case .devIOASID: return "the /dev/ioasid RFC (S5): join, IOASIDs, ATTACH_IOASID(_PASID)"
        }
    }
}
