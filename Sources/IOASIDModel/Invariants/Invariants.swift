/// Evaluates the invariants of `SPEC.md` §4 on a proposal's state.
public enum Invariants {
    /// SPEC §3's `stale-guest-iotlb` warning: an IOTLB entry a guest's stage 1 filled that its
    /// tables no longer give. Not a violation (the guest must invalidate it, `IOMMU_HWPT_INVALIDATE`),
    /// but worth a trace.
    public static func staleGuestIOTLBEntry(in view: some HardwareView) -> Violation? {
        TranslationInvariant.staleGuestEntry(view)
    }

    /// The first violation of the named invariants, checked in the order given.
    public static func firstViolation(in view: some HardwareView, checking names: [InvariantName]) -> Violation? {
        for name in names {
            if let v = check(name, in: view) { return v }
        }
        return nil
    }

    /// The first violation of one invariant.
    public static func check(_ name: InvariantName, in view: some HardwareView) -> Violation? {
        switch name {
        case .noOverlap: return NoOverlapInvariant.check(view)
        case .compat: return CompatInvariant.check(view)
        case .pasidUnique: return PasidUniqueInvariant.check(view)
        case .translation: return TranslationInvariant.check(view)
        case .lifetime: return LifetimeInvariant.check(view)
        default: return nil  // a design's own invariant: the design checks it
        }
    }

    /// How a route's device and PASID are named in violations.
    static func routeObjects(_ view: some HardwareView, device: Int, pasid: UInt32, domain: DomainID) -> [String] {
        var objects = ["dev \(view.topology.devices[device].name)"]
        if pasid != 0 { objects.append("pasid \(pasid)") }
        objects.append("domain \(domain)")
        return objects
    }
}
