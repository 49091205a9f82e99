/// The VFIO type1 container ioctls as iommufd answers them on its own fd
/// (`drivers/iommu/iommufd/vfio_compat.c`), and `IOMMU_VFIO_IOAS`, which picks the IOAS they act
/// on (`ictx->vfio_ioas`). The vfio-type1 proposal's `type1-impl = iommufd-compat` runs the same
/// `compat…` functions on its container's IOAS: one code path, two ways in.
extension IOMMUFD {
    /// The sizes `vfio.h` gives the structs, which `argsz` is checked against (`minsz`).
    enum VFIOStructSize {
        /// `offsetofend(struct vfio_iommu_type1_dma_map, size)`.
        static let dmaMap: UInt32 = 32
        /// `offsetofend(struct vfio_iommu_type1_dma_unmap, size)`.
        static let dmaUnmap: UInt32 = 24
        /// `offsetofend(struct vfio_iommu_type1_info, iova_pgsizes)`, and the whole struct.
        static let infoMin: UInt32 = 16
        static let info: UInt32 = 24
        /// `struct vfio_iommu_type1_info_dma_avail`: header and `avail`.
        static let dmaAvailCap: UInt32 = 12
        /// `struct vfio_iommu_type1_info_cap_iova_range` without and per range.
        static let iovaCapHeader: UInt32 = 16
        static let iovaRange: UInt32 = 16
    }

    /// `get_compat_ioas`: the compat IOAS, ENODEV without one.
    func compatIOAS(_ s: IOMMUFDState) throws(Errno) -> UInt32 {
        guard s.vfioIOAS != 0, s.hasIOAS(s.vfioIOAS) else { throw .ENODEV }
        return s.vfioIOAS
    }

    /// `IOMMU_VFIO_IOAS` (`iommufd_vfio_ioas`): GET reports the compat IOAS (ENODEV: none), SET
    /// names one (ENOENT: not an IOAS), CLEAR forgets it.
    func vfioIOASCommand(op: UInt16, ioasID: UInt32, reserved: UInt16, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard reserved == 0 else { throw .EOPNOTSUPP }
        switch op {
        case C.IOMMU_VFIO_IOAS_GET:
            let id = try compatIOAS(s)
            return Outcome(.ok, outputs: [OutputField("ioas_id", .number(UInt64(id)))], principal: UInt64(id))
        case C.IOMMU_VFIO_IOAS_SET:
            guard s.hasIOAS(ioasID) else { throw .ENOENT }
            s.vfioIOAS = ioasID
            return .ok
        case C.IOMMU_VFIO_IOAS_CLEAR:
            s.vfioIOAS = 0
            return .ok
        default:
            throw .EOPNOTSUPP
        }
    }

    /// An ioctl that returns a plain integer (`ret=`).
    static func returning(_ value: UInt64) -> Outcome { Outcome(.ok, outputs: [OutputField("ret", .number(value))], principal: value) }

    /// `VFIO_CHECK_EXTENSION` (`iommufd_vfio_check_extension`): both type1 flavours and UNMAP_ALL
    /// are there; DMA_CC_IOMMU asks whether every domain of the compat IOAS enforces coherency
    /// (`iommufd_vfio_cc_iommu`, ENODEV without one); NESTING, UPDATE_VADDR and the rest are not.
    func vfioCheckExtension(_ arg: UInt64, _ s: IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        switch arg {
        case C.VFIO_TYPE1_IOMMU, C.VFIO_TYPE1v2_IOMMU, C.VFIO_UNMAP_ALL:
            return Self.returning(1)
        case C.VFIO_DMA_CC_IOMMU:
            let id = try compatIOAS(s)
            let all = s.pagingHWPTs(on: id).allSatisfy { s.hardware.domain($0.hwpt.domain)?.enforcesCoherency ?? false }
            return Self.returning(all ? 1 : 0)
        default:
            return Self.returning(0)
        }
    }

    /// `VFIO_SET_IOMMU` on the fd (`iommufd_vfio_set_iommu`): TYPE1 or TYPE1v2 (else EINVAL) on
    /// the compat IOAS; TYPE1 is emulated by never laying large IOPTEs, so that any range can be cut.
    func compatSetIOMMU(type: UInt64, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard type == C.VFIO_TYPE1_IOMMU || type == C.VFIO_TYPE1v2_IOMMU else { throw .EINVAL }
        let id = try compatIOAS(s)
        if type == C.VFIO_TYPE1_IOMMU { try disableLargePages(id, &s) }
        return .ok
    }

    /// `VFIO_IOMMU_MAP_DMA` on the fd (`iommufd_vfio_map_dma`): argsz and flags first, then the
    /// compat IOAS.
    func vfioFDMapDMA(argsz: UInt32, flags: UInt32, vaddr: UInt64, iova: UInt64, size: UInt64, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard argsz >= VFIOStructSize.dmaMap, flags & ~(C.VFIO_DMA_MAP_FLAG_READ | C.VFIO_DMA_MAP_FLAG_WRITE) == 0 else { throw .EINVAL }
        return try compatMap(ioasID: try compatIOAS(s), flags: flags, vaddr: vaddr, iova: iova, size: size, &s)
    }

    /// `iopt_map_user_pages` at a fixed IOVA with the type1 flags as IOMMU_READ / IOMMU_WRITE.
    /// Unlike `IOMMU_IOAS_MAP` there is no "neither READ nor WRITE" check: such an area is kept,
    /// and a domain refuses it when it is laid (the table's map is EINVAL without either).
    func compatMap(ioasID: UInt32, flags: UInt32, vaddr: UInt64, iova: UInt64, size: UInt64, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        var perms: Permissions = []
        if flags & C.VFIO_DMA_MAP_FLAG_READ != 0 { perms.insert(.read) }
        if flags & C.VFIO_DMA_MAP_FLAG_WRITE != 0 { perms.insert(.write) }
        _ = try mapUserPages(ioasID: ioasID, fixedIOVA: iova, length: size, userVA: vaddr, permissions: perms, &s)
        return .ok
    }

    /// `VFIO_IOMMU_UNMAP_DMA` on the fd (`iommufd_vfio_unmap_dma`): argsz and flags (only
    /// UNMAP_FLAG_ALL; GET_DIRTY_BITMAP and VADDR are EINVAL), then the compat IOAS.
    func vfioFDUnmapDMA(argsz: UInt32, flags: UInt32, iova: UInt64, size: UInt64, _ s: inout IOMMUFDState) -> Step {
        guard argsz >= VFIOStructSize.dmaUnmap, flags & ~IOMMUFDConstants.VFIO_DMA_UNMAP_FLAG_ALL == 0 else { return Step(outcome: .errno(.EINVAL)) }
        do {
            return compatUnmap(ioasID: try compatIOAS(s), flags: flags, iova: iova, size: size, &s)
        } catch {
            return Step(outcome: .errno(error))
        }
    }

    /// The unmap proper. With large pages disabled (TYPE1, or `IOMMU_OPTION_HUGE_PAGES = 0`) the
    /// areas are first cut at the request's ends, and the cuts stay even when the unmap then fails.
    /// Nothing mapped in the range is success with size 0 (upstream afb47765f923).
    func compatUnmap(ioasID: UInt32, flags: UInt32, iova: UInt64, size: UInt64, _ s: inout IOMMUFDState) -> Step {
        if flags & IOMMUFDConstants.VFIO_DMA_UNMAP_FLAG_ALL != 0 {
            guard iova == 0, size == 0 else { return Step(outcome: .errno(.EINVAL)) }
            return Self.reportingSize(unmapRange(.all, of: ioasID, emptyIsOK: true, alsoLocked: [], &s))
        }
        var cut = false
        if s.ioas(ioasID)?.disableLargePages == true {
            // The kernel computes both cut points unchecked (a wrap cuts wherever it lands) and
            // skips the one below IOVA 0.
            for x in [iova &+ size &- 1] + (iova == 0 ? [] : [iova - 1]) {
                do {
                    if try cutArea(ioasID, at: x, &s) { cut = true }
                } catch {
                    return Step(outcome: .errno(error), keepsPartialState: cut)
                }
            }
        }
        var step = Self.reportingSize(unmapIOVA(iova, length: size, of: ioasID, emptyIsENOENT: false, &s))
        if !step.isSuccess, cut { step.keepsPartialState = true }
        return step
    }

    /// `VFIO_IOMMU_GET_INFO` on the fd (`iommufd_vfio_iommu_get_info`). The reply is the fixed
    /// struct, then the DMA_AVAIL and IOVA_RANGE capabilities; `argsz` comes back as the size of
    /// all of it, and `cap_offset` points at the chain only when all of it fitted. The model
    /// reports the chain then: each capability's `cap_id`, `cap_version` and `cap_next` offset,
    /// DMA_AVAIL's `avail`, IOVA_RANGE's `nr_iovas` and its ranges as `start` / `end`.
    func vfioGetInfo(argsz: UInt32, _ s: IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard argsz >= VFIOStructSize.infoMin else { throw .EINVAL }
        let id = try compatIOAS(s)
        let ranges = IOVARange.holes(of: reserved(of: id, s))
        let iovaCap = UInt64(VFIOStructSize.iovaCapHeader) + UInt64(VFIOStructSize.iovaRange) * UInt64(ranges.count)
        let total = UInt64(VFIOStructSize.info) + UInt64(VFIOStructSize.dmaAvailCap) + iovaCap
        let whole = UInt64(argsz) >= total
        var outputs = [OutputField("argsz", .number(total)),
                       OutputField("flags", .number(UInt64(C.VFIO_IOMMU_INFO_PGSIZES | C.VFIO_IOMMU_INFO_CAPS))),
                       OutputField("iova_pgsizes", .number(compatPageSizes(id, s)))]
        // Only min(argsz, sizeof(info)) bytes are copied back: the pre-capability ABI never sees cap_offset.
        if argsz >= VFIOStructSize.info { outputs.append(OutputField("cap_offset", .number(whole ? UInt64(VFIOStructSize.info) : 0))) }
        if whole {
            // The chain in order: DMA_AVAIL at the end of the struct, IOVA_RANGE after it.
            let second = UInt64(VFIOStructSize.info + VFIOStructSize.dmaAvailCap)
            outputs += [OutputField("cap_id", .array([UInt64(C.VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL), UInt64(C.VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE)])),
                        OutputField("cap_version", .array([1, 1])), OutputField("cap_next", .array([second, 0])),
                        OutputField("avail", .number(UInt64(UInt32.max))), OutputField("nr_iovas", .number(UInt64(ranges.count))),
                        OutputField("start", .array(ranges.map(\.first))), OutputField("end", .array(ranges.map(\.last)))]
        }
        return Outcome(.ok, outputs: outputs, principal: 0)
    }

    /// `iommufd_get_pagesizes`: the page sizes every domain of the IOAS has, sizes below PAGE_SIZE
    /// folded into PAGE_SIZE (as `vfio_update_pgsize_bitmap`), at least the IOAS's alignment.
    func compatPageSizes(_ ioasID: UInt32, _ s: IOMMUFDState) -> UInt64 {
        var bitmap = UInt64.max
        for (_, h) in s.pagingHWPTs(on: ioasID) { bitmap &= s.hardware.domain(h.domain)?.table.pageSizes.bitmap ?? .max }
        if bitmap & (pageSize - 1) != 0 { bitmap = bitmap & ~(pageSize - 1) | pageSize }
        return max(bitmap, alignment(of: ioasID, s))
    }

    /// `iopt_disable_large_pages` (TYPE1's emulation and `IOMMU_OPTION_HUGE_PAGES = 0`): refused
    /// (EINVAL) once domains hold pages; every area must then meet PAGE_SIZE (EADDRINUSE).
    func disableLargePages(_ ioasID: UInt32, _ s: inout IOMMUFDState) throws(Errno) {
        guard let ioas = s.ioas(ioasID), !ioas.disableLargePages else { return }
        if s.hasPagingHWPT(on: ioasID), !ioas.areas.isEmpty { throw .EINVAL }
        s.updateIOAS(ioasID) { $0.disableLargePages = true }
        try checkAreasAligned(ioasID, s)
    }

    /// `iopt_area_split` of the area holding `x`, so that one ends there: whether it split. A cut
    /// at either end of an area is none; a fenced area is EBUSY; a cut off the IOAS's alignment
    /// (in IOVA or in the user memory) or through pinned pages is EINVAL. (Its refusal of an area
    /// a domain may hold in large pages cannot arise here: only an IOAS without them cuts.)
    @discardableResult
    func cutArea(_ ioasID: UInt32, at x: UInt64, _ s: inout IOMMUFDState) throws(Errno) -> Bool {
        guard let ioas = s.ioas(ioasID), let i = ioas.areas.firstIndex(where: { $0.range.contains(x) }) else { return false }
        let area = ioas.areas[i]
        guard x != area.range.first, x != area.range.last else { return false }
        guard !area.preventAccess else { throw .EBUSY }
        // Splitting a dma-buf area would have to split its domain trackers: refused.
        if area.isDmabuf { throw .EOPNOTSUPP }
        let align = alignment(of: ioasID, s)
        let tailVA = area.userVA &+ (x + 1 - area.range.first)
        guard (x + 1) % align == 0, tailVA % align == 0 else { throw .EINVAL }
        if accessesPin(area, of: ioasID, s) { throw .EINVAL }
        var head = area, tail = area
        head.range = IOVARange(first: area.range.first, last: x)
        tail.range = IOVARange(first: x + 1, last: area.range.last)
        tail.userVA = tailVA
        s.updateIOAS(ioasID) { $0.areas.replaceSubrange(i...i, with: [head, tail]) }
        return true
    }
}
