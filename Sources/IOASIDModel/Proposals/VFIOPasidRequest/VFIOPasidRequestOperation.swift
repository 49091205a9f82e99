/// The ioctls of VFIO_IOMMU_PASID_REQUEST (`domain/proposals.md` S4) on the model's one container
/// (the VM), and the DMA every design has.
public enum VFIOPasidRequestOperation: CatalogOperation {
    /// `VFIO_IOMMU_PASID_REQUEST`: `flags=ALLOC min= max=` (the lowest free PASID in the range) or
    /// `flags=FREE free_pasid=`.
    case pasidRequest(flags: UInt32, min: UInt32, max: UInt32, freePasid: UInt32)
    /// `VFIO_IOMMU_BIND`: `flags=BIND_GUEST_PGTBL` (the guest page table at `gpgd` serves `hpasid`
    /// on the device) or `UNBIND_GUEST_PGTBL`.
    case bind(flags: UInt32, device: Int, hpasid: UInt32, gpasid: UInt32, gpgd: UInt64)
    case translate(DMARequest)

    public enum Kind: Int, CaseIterable, Hashable, Sendable { case pasidRequest, bind, translate }

    static let allocFlag: UInt32 = 1, freeFlag: UInt32 = 2
    static let bindFlag: UInt32 = 1, unbindFlag: UInt32 = 2

    public static let catalog = OperationCatalog<VFIOPasidRequestOperation> { kind in
        switch kind {
        case .pasidRequest:
            return OperationSpec("VFIO_IOMMU_PASID_REQUEST", ["container": .container, "flags": .flags, "min": .u32, "max": .u32, "free_pasid": .u32],
                                 outputs: ["result"], "flags=ALLOC min= max=: allocate the lowest free PASID in [min, max]; flags=FREE free_pasid=: free one")
        case .bind:
            return OperationSpec("VFIO_IOMMU_BIND", ["flags": .flags, "dev": .device, "hpasid": .u32, "gpasid": .u32, "gpgd": .u64],
                                 "flags=BIND_GUEST_PGTBL: the guest page table at gpgd serves hpasid on dev; UNBIND_GUEST_PGTBL undoes it")
        case .translate:
            return DMARequest.spec
        }
    }

    public var kind: Kind {
        switch self {
        case .pasidRequest: return .pasidRequest
        case .bind: return .bind
        case .translate: return .translate
        }
    }

    public init?(kind: Kind, arguments args: [String: ArgValue]) {
        func u32(_ k: String) -> UInt32 {
            if case .number(let v)? = args[k] { return UInt32(truncatingIfNeeded: v) }
            return 0
        }
        switch kind {
        case .pasidRequest:
            self = .pasidRequest(flags: u32("flags"), min: u32("min"), max: u32("max"), freePasid: u32("free_pasid"))
        case .bind:
            guard case .device(let d)? = args["dev"] else { return nil }
            var gpgd: UInt64 = 0
            if case .number(let v)? = args["gpgd"] { gpgd = v }
            self = .bind(flags: u32("flags"), device: d, hpasid: u32("hpasid"), gpasid: u32("gpasid"), gpgd: gpgd)
        case .translate:
            guard let r = DMARequest(args) else { return nil }
            self = .translate(r)
        }
    }

    public func arguments(_ topology: Topology) -> [(String, ArgumentText)] {
        let container: (String, ArgumentText) = ("container", .word(topology.containers.first ?? "0"))
        switch self {
        case .pasidRequest(let flags, let lo, let hi, let freePasid):
            switch flags {
            case Self.allocFlag: return [container, ("flags", .word("ALLOC")), ("min", .number(UInt64(lo))), ("max", .number(UInt64(hi)))]
            case Self.freeFlag: return [container, ("flags", .word("FREE")), ("free_pasid", .number(UInt64(freePasid)))]
            default:
                return [container, ("flags", .number(UInt64(flags))), ("min", .number(UInt64(lo))), ("max", .number(UInt64(hi))),
                        ("free_pasid", .number(UInt64(freePasid)))]
            }
        case .bind(let flags, let d, let hpasid, let gpasid, let gpgd):
            let name: ArgumentText = flags == Self.bindFlag ? .word("BIND_GUEST_PGTBL") : flags == Self.unbindFlag ? .word("UNBIND_GUEST_PGTBL")
                : .number(UInt64(flags))
            var out: [(String, ArgumentText)] = [("flags", name), ("dev", .word(topology.devices[d].name)), ("hpasid", .number(UInt64(hpasid)))]
            if flags != Self.unbindFlag { out += [("gpasid", .number(UInt64(gpasid))), ("gpgd", .address(gpgd))] }
            return out
        case .translate(let r):
            return r.arguments(topology)
        }
    }
}
