/// The calls a kernel user of the 2015 IOMMU API makes (`domain/proposals.md` S2). A domain is
/// named by its hardware id; `dev` is a topology device.
public enum IOMMUAPIOperation: CatalogOperation {
    /// `iommu_domain_alloc` with the driver of a topology IOMMU.
    case domainAlloc(iommu: Int)
    /// `iommu_attach_device`.
    case attachDevice(domain: UInt32, device: Int)
    /// `iommu_detach_device`.
    case detachDevice(domain: UInt32, device: Int)
    /// `iommu_map` with `IOMMU_READ` / `IOMMU_WRITE` / `IOMMU_CACHE` in `prot`.
    case map(domain: UInt32, iova: UInt64, paddr: UInt64, size: UInt64, prot: UInt32)
    /// `iommu_unmap`; returns the bytes unmapped.
    case unmap(domain: UInt32, iova: UInt64, size: UInt64)
    /// `iommu_domain_free`.
    case domainFree(domain: UInt32)
    /// A DMA by a device.
    case translate(DMARequest)

    public enum Kind: Int, CaseIterable, Hashable, Sendable {
        case domainAlloc, attachDevice, detachDevice, map, unmap, domainFree, translate
    }

    public static let catalog = OperationCatalog<IOMMUAPIOperation> { kind in
        switch kind {
        case .domainAlloc:
            return OperationSpec("iommu_domain_alloc", ["iommu": .iommu], outputs: ["domain"], "allocate a paging domain with the driver of an IOMMU")
        case .attachDevice:
            return OperationSpec("iommu_attach_device", ["domain": .u32, "dev": .device], "attach a device (alone in its group) to a domain")
        case .detachDevice:
            return OperationSpec("iommu_detach_device", ["domain": .u32, "dev": .device], "detach a device from a domain")
        case .map:
            return OperationSpec("iommu_map", ["domain": .u32, "iova": .u64, "paddr": .u64, "size": .u64, "prot": .flags],
                                 "map physical memory in a domain with the largest page sizes that fit")
        case .unmap:
            return OperationSpec("iommu_unmap", ["domain": .u32, "iova": .u64, "size": .u64], outputs: ["size"],
                                 "unmap a range of a domain; returns the bytes unmapped")
        case .domainFree:
            return OperationSpec("iommu_domain_free", ["domain": .u32], "free a domain")
        case .translate:
            return DMARequest.spec
        }
    }

    public var kind: Kind {
        switch self {
        case .domainAlloc: return .domainAlloc
        case .attachDevice: return .attachDevice
        case .detachDevice: return .detachDevice
        case .map: return .map
        case .unmap: return .unmap
        case .domainFree: return .domainFree
        case .translate: return .translate
        }
    }

    public init?(kind: Kind, arguments args: [String: ArgValue]) {
        func n(_ k: String) -> UInt64 {
            if case .number(let v)? = args[k] { return v }
            return 0
        }
        let domain = UInt32(truncatingIfNeeded: n("domain"))
        var device: Int?
        if case .device(let d)? = args["dev"] { device = d }
        switch kind {
        case .domainAlloc: self = .domainAlloc(iommu: Int(truncatingIfNeeded: n("iommu")))
        case .attachDevice:
            guard let device else { return nil }
            self = .attachDevice(domain: domain, device: device)
        case .detachDevice:
            guard let device else { return nil }
            self = .detachDevice(domain: domain, device: device)
        case .map: self = .map(domain: domain, iova: n("iova"), paddr: n("paddr"), size: n("size"), prot: UInt32(truncatingIfNeeded: n("prot")))
        case .unmap: self = .unmap(domain: domain, iova: n("iova"), size: n("size"))
        case .domainFree: self = .domainFree(domain: domain)
        case .translate:
            guard let r = DMARequest(args) else { return nil }
            self = .translate(r)
        }
    }

    public func arguments(_ topology: Topology) -> [(String, ArgumentText)] {
        switch self {
        case .domainAlloc(let i):
            return [("iommu", .word(topology.iommus.indices.contains(i) ? topology.iommus[i].name : String(i)))]
        case .attachDevice(let domain, let d), .detachDevice(let domain, let d):
            return [("domain", .number(UInt64(domain))), ("dev", .word(topology.devices[d].name))]
        case .map(let domain, let iova, let paddr, let size, let prot):
            return [("domain", .number(UInt64(domain))), ("iova", .address(iova)), ("paddr", .address(paddr)), ("size", .address(size)),
                    ("prot", Self.protText(prot))]
        case .unmap(let domain, let iova, let size):
            return [("domain", .number(UInt64(domain))), ("iova", .address(iova)), ("size", .address(size))]
        case .domainFree(let domain):
            return [("domain", .number(UInt64(domain)))]
        case .translate(let r):
            return r.arguments(topology)
        }
    }

    /// `IOMMU_READ|IOMMU_WRITE|IOMMU_CACHE`.
    static func protText(_ prot: UInt32) -> ArgumentText {
        var names: [String] = []
        if prot & 1 != 0 { names.append("IOMMU_READ") }
        if prot & 2 != 0 { names.append("IOMMU_WRITE") }
        if prot & 4 != 0 { names.append("IOMMU_CACHE") }
        if prot & ~7 != 0 { names.append(String(prot & ~7)) }
        return names.isEmpty ? .number(0) : .word(names.joined(separator: "|"))
    }
}
