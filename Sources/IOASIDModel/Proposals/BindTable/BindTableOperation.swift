/// Bind a PASID table vs bind page tables (`domain/proposals.md` S3, virtio-iommu style): the
/// guest's and the host's operations, stage 2 on one implicit container, and the DMA every design has.
public enum BindTableOperation: CatalogOperation {
    /// `BIND_PASID_TABLE`: the guest's PASID table (at `basePtr`, `pasidBits` wide) serves the device.
    case bindPasidTable(device: Int, basePtr: UInt64, pasidBits: UInt32)
    /// `GUEST_SET_PASID_ENTRY`: the guest points PASID `pasid` of its table at a stage-1 table.
    case guestSetPasidEntry(device: Int, pasid: UInt32, s1Root: UInt64)
    /// `ATTACH_PASID`: the host attaches a kernel-owned domain of its own (e.g. kernel SVA).
    case attachPasid(device: Int, pasid: UInt32)
    /// `VIRTIO_IOMMU_T_MEMRESERVE`: the guest lends GPA space to the host for page tables.
    case memreserve(gpa: UInt64, size: UInt64)
    /// `VIRTIO_IOMMU_T_ADD_TABLE`: a stage-1 table in reserve `reserve` serves (device, PASID).
    case addTable(device: Int, pasid: UInt32, s1Root: UInt64, reserve: UInt64)
    /// `VIRTIO_IOMMU_T_REMOVE_TABLE`.
    case removeTable(device: Int, pasid: UInt32)
    /// `VIRTIO_IOMMU_T_RECLAIM`: the guest takes a reserve back.
    case reclaim(gpa: UInt64, size: UInt64)
    /// `GUEST_S1_MAP dev= pasid=`: the guest maps IOVA → GPA in the stage-1 table serving (device, PASID).
    case guestS1Map(device: Int, pasid: UInt32, iova: UInt64, gpa: UInt64, length: UInt64, permissions: Permissions)
    /// Stage 2: `VFIO_IOMMU_MAP_DMA iova=GPA` on the implicit container.
    case stage2Map(vaddr: UInt64, gpa: UInt64, size: UInt64, flags: UInt32)
    /// Stage 2: `VFIO_IOMMU_UNMAP_DMA iova=GPA`.
    case stage2Unmap(gpa: UInt64, size: UInt64, flags: UInt32)
    case translate(DMARequest)

    public enum Kind: Int, CaseIterable, Hashable, Sendable {
        case bindPasidTable, guestSetPasidEntry, attachPasid, memreserve, addTable, removeTable, reclaim, guestS1Map
        case stage2Map, stage2Unmap, translate
    }

    public static let catalog = OperationCatalog<BindTableOperation> { kind in
        switch kind {
        case .bindPasidTable:
            return OperationSpec("BIND_PASID_TABLE", ["dev": .device, "base_ptr": .u64, "pasid_bits": .u32], "the guest's PASID table serves the device")
        case .guestSetPasidEntry:
            return OperationSpec("GUEST_SET_PASID_ENTRY", ["dev": .device, "pasid": .u32, "s1_root": .u64],
                                 "the guest points a PASID of its table at a stage-1 table")
        case .attachPasid:
            return OperationSpec("ATTACH_PASID", ["dev": .device, "pasid": .u32], "the host attaches a kernel-owned domain of its own at a PASID")
        case .memreserve:
            return OperationSpec("VIRTIO_IOMMU_T_MEMRESERVE", ["gpa": .u64, "size": .u64], "the guest lends GPA space to the host for page tables")
        case .addTable:
            return OperationSpec("VIRTIO_IOMMU_T_ADD_TABLE", ["dev": .device, "pasid": .u32, "s1_root": .u64, "reserve": .u64],
                                 "bind a guest stage-1 table that lives in a reserve")
        case .removeTable:
            return OperationSpec("VIRTIO_IOMMU_T_REMOVE_TABLE", ["dev": .device, "pasid": .u32], "unbind a table")
        case .reclaim:
            return OperationSpec("VIRTIO_IOMMU_T_RECLAIM", ["gpa": .u64, "size": .u64], "the guest takes a reserve back")
        case .guestS1Map:
            return OperationSpec("GUEST_S1_MAP", ["dev": .device, "pasid": .u32, "iova": .u64, "gpa": .u64, "length": .u64, "flags": .flags],
                                 "the guest maps IOVA → GPA in the stage-1 table serving (dev, PASID)")
        case .stage2Map:
            return OperationSpec("VFIO_IOMMU_MAP_DMA", ["vaddr": .u64, "iova": .u64, "size": .u64, "flags": .flags, "container": .container],
                                 "stage 2: map guest memory (iova = GPA) to user memory")
        case .stage2Unmap:
            return OperationSpec("VFIO_IOMMU_UNMAP_DMA", ["iova": .u64, "size": .u64, "flags": .flags, "container": .container],
                                 outputs: ["size"], "stage 2: unmap whole mappings in a GPA range")
        case .translate:
            return DMARequest.spec
        }
    }

    public var kind: Kind {
        switch self {
        case .bindPasidTable: return .bindPasidTable
        case .guestSetPasidEntry: return .guestSetPasidEntry
        case .attachPasid: return .attachPasid
        case .memreserve: return .memreserve
        case .addTable: return .addTable
        case .removeTable: return .removeTable
        case .reclaim: return .reclaim
        case .guestS1Map: return .guestS1Map
        case .stage2Map: return .stage2Map
        case .stage2Unmap: return .stage2Unmap
        case .translate: return .translate
        }
    }

    public init?(kind: Kind, arguments args: [String: ArgValue]) {
        func n(_ k: String) -> UInt64 {
            if case .number(let v)? = args[k] { return v }
            return 0
        }
        func u32(_ k: String) -> UInt32 { UInt32(truncatingIfNeeded: n(k)) }
        var device: Int?
        if case .device(let d)? = args["dev"] { device = d }
        switch kind {
        case .memreserve: self = .memreserve(gpa: n("gpa"), size: n("size"))
        case .reclaim: self = .reclaim(gpa: n("gpa"), size: n("size"))
        case .stage2Map: self = .stage2Map(vaddr: n("vaddr"), gpa: n("iova"), size: n("size"), flags: u32("flags"))
        case .stage2Unmap: self = .stage2Unmap(gpa: n("iova"), size: n("size"), flags: u32("flags"))
        case .translate:
            guard let r = DMARequest(args) else { return nil }
            self = .translate(r)
        default:
            guard let d = device else { return nil }
            switch kind {
            case .bindPasidTable: self = .bindPasidTable(device: d, basePtr: n("base_ptr"), pasidBits: u32("pasid_bits"))
            case .guestSetPasidEntry: self = .guestSetPasidEntry(device: d, pasid: u32("pasid"), s1Root: n("s1_root"))
            case .attachPasid: self = .attachPasid(device: d, pasid: u32("pasid"))
            case .addTable: self = .addTable(device: d, pasid: u32("pasid"), s1Root: n("s1_root"), reserve: n("reserve"))
            case .removeTable: self = .removeTable(device: d, pasid: u32("pasid"))
            default:
                var perms: Permissions = .readWrite
                if args["flags"] != nil {
                    perms = []
                    if u32("flags") & IOMMUFDConstants.IOMMU_IOAS_MAP_READABLE != 0 { perms.insert(.read) }
                    if u32("flags") & IOMMUFDConstants.IOMMU_IOAS_MAP_WRITEABLE != 0 { perms.insert(.write) }
                }
                self = .guestS1Map(device: d, pasid: u32("pasid"), iova: n("iova"), gpa: n("gpa"), length: n("length"), permissions: perms)
            }
        }
    }

    public func arguments(_ topology: Topology) -> [(String, ArgumentText)] {
        func dev(_ d: Int) -> (String, ArgumentText) { ("dev", .word(topology.devices[d].name)) }
        switch self {
        case .bindPasidTable(let d, let base, let bits):
            return [dev(d), ("base_ptr", .address(base)), ("pasid_bits", .number(UInt64(bits)))]
        case .guestSetPasidEntry(let d, let pasid, let root):
            return [dev(d), ("pasid", .number(UInt64(pasid))), ("s1_root", .address(root))]
        case .attachPasid(let d, let pasid), .removeTable(let d, let pasid):
            return [dev(d), ("pasid", .number(UInt64(pasid)))]
        case .memreserve(let gpa, let size), .reclaim(let gpa, let size):
            return [("gpa", .address(gpa)), ("size", .address(size))]
        case .addTable(let d, let pasid, let root, let reserve):
            return [dev(d), ("pasid", .number(UInt64(pasid))), ("s1_root", .address(root)), ("reserve", .address(reserve))]
        case .guestS1Map(let d, let pasid, let iova, let gpa, let length, let perms):
            return [dev(d), ("pasid", .number(UInt64(pasid))), ("iova", .address(iova)), ("gpa", .address(gpa)), ("length", .address(length))]
                + IOMMUFDOperation.guestFlags(perms)
        case .stage2Map(let vaddr, let gpa, let size, let flags):
            return [("vaddr", .address(vaddr)), ("iova", .address(gpa)), ("size", .address(size)), ("flags", IOMMUFDOperation.dmaFlagsText(flags))]
        case .stage2Unmap(let gpa, let size, let flags):
            return [("iova", .address(gpa)), ("size", .address(size))] + (flags == 0 ? [] : [("flags", .number(UInt64(flags)))])
        case .translate(let r):
            return r.arguments(topology)
        }
    }
}
