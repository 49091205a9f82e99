/// What the invariants need from a proposal's state: the hardware it drives, and what its uAPI
/// promised the user. The invariants compare the two.
public protocol HardwareView {
    var topology: Topology { get }
    var hardware: Hardware { get }
    /// The translation the user's mappings ask of `domain` (IOVA → physical, with the user's
    /// read/write flags); for a nested domain, the guest's stage-1 mapping (IOVA → GPA). Nil when
    /// the proposal makes no promise for it.
    func intendedSegments(of domain: DomainID) -> [Segment]?
    /// References from uAPI objects to objects that no longer exist (`lifetime`).
    func danglingReferences() -> [Violation]
    /// PASID ownership broken at the uAPI level (a global PASID space with two owners).
    func pasidOwnershipViolations() -> [Violation]
    /// The guest address space `domain` stands for (`vsva`): by default the domain itself, or the
    /// guest's stage-1 root for a nested one; a design whose objects say more (an IOAS) says so.
    func addressSpace(of domain: DomainID) -> AddressSpace
}

extension HardwareView {
    public func pasidOwnershipViolations() -> [Violation] { [] }
    public func addressSpace(of domain: DomainID) -> AddressSpace { hardware.addressSpace(of: domain) }
}
