/// The VFIO type1 container's ioctls (proposal `vfio-type1`). The order of checks follows
/// `drivers/vfio/container.c` (`vfio_ioctl_set_iommu`), `drivers/vfio/vfio_iommu_type1.c`
/// (`vfio_dma_do_map`, `vfio_dma_do_unmap`) for `type1-impl = vfio`, and
/// `drivers/iommu/iommufd/vfio_compat.c` (`iommufd_vfio_set_iommu`, `_map_dma`, `_unmap_dma`)
/// for `type1-impl = iommufd-compat`.
extension IOMMUFD {
    /// `VFIO_GROUP_SET_CONTAINER`: a group already in the container is EINVAL
    /// (`vfio_group_ioctl_set_container`); once the type is set, its devices are attached at once.
    func vfioGroupSetContainer(group: Int, _ c: inout Type1Container, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard topology.groups.indices.contains(group) else { throw .EBADF }
        guard !c.groups.contains(UInt16(group)) else { throw .EINVAL }
        if c.isSet { try attachContainerGroup(group, c, &s) }
        c.groups.append(UInt16(group))
        c.groups.sort()
        return .ok
    }

    /// `VFIO_SET_IOMMU`: EINVAL without a group or when a type is already set; a type no driver
    /// offers is ENODEV. The model fixes the version with `type1-version`, and the other one is
    /// EINVAL (`domain/proposals.md` §3), so that `diff` can set it per model.
    func vfioSetIOMMU(type: UInt64, _ c: inout Type1Container, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard !c.groups.isEmpty, !c.isSet else { throw .EINVAL }
        let version: IOMMUFDConfig.Type1Version
        switch type {
        case C.VFIO_TYPE1_IOMMU: version = .v1
        case C.VFIO_TYPE1v2_IOMMU: version = .v2
        default: throw .ENODEV
        }
        guard version == config.type1Version else { throw .EINVAL }
        c.ioasID = s.insertObject(.ioas(IOAS()))
        c.version = version
        if config.type1Impl == .iommufdCompat {
            // The container is an iommufd whose compat IOAS is the container's; the type is set
            // by the code VFIO_SET_IOMMU on an iommufd runs (IOMMUFD+VFIOCompat.swift).
            s.vfioIOAS = c.ioasID
            _ = try compatSetIOMMU(type: type, &s)
        }
        for g in c.groups { try attachContainerGroup(Int(g), c, &s) }
        return .ok
    }

    /// Binds and attaches every device of `group` to the container's address space (an existing
    /// compatible domain, or a new one with every mapping replayed into it).
    func attachContainerGroup(_ group: Int, _ c: Type1Container, _ s: inout IOMMUFDState) throws(Errno) {
        for d in topology.members(of: group) {
            do {
                if s.boundIDs[d] == 0 { _ = try bind(device: d, iommufd: nil, flags: 0, &s) }
                _ = try vfioAttach(device: d, flags: 0, ptID: c.ioasID, pasid: 0, &s)
            } catch {
                // vfio_iommu_type1_attach_group reports a reserved-region or aperture conflict
                // with the existing mappings as EINVAL (iommufd: EADDRINUSE).
                throw config.type1Impl != .iommufdCompat && error == .EADDRINUSE ? .EINVAL : error
            }
        }
    }

    /// `VFIO_IOMMU_MAP_DMA`.
    func vfioMapDMA(vaddr: UInt64, iova: UInt64, size: UInt64, flags: UInt32, _ c: Type1Container, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard c.isSet else { throw .EINVAL }
        let known = C.VFIO_DMA_MAP_FLAG_READ | C.VFIO_DMA_MAP_FLAG_WRITE
        guard flags & ~known == 0 else { throw .EINVAL }
        if config.type1Impl == .iommufdCompat { return try compatMap(ioasID: c.ioasID, flags: flags, vaddr: vaddr, iova: iova, size: size, &s) }
        var mapFlags = C.IOMMU_IOAS_MAP_FIXED_IOVA
        if flags & C.VFIO_DMA_MAP_FLAG_READ != 0 { mapFlags |= C.IOMMU_IOAS_MAP_READABLE }
        if flags & C.VFIO_DMA_MAP_FLAG_WRITE != 0 { mapFlags |= C.IOMMU_IOAS_MAP_WRITEABLE }
        // vfio_dma_do_map: no permission, size 0, misalignment to the smallest page, or a
        // wrap is EINVAL before anything is looked up.
        let pgsize = alignment(of: c.ioasID, s)
        guard flags != 0, size != 0, (size | iova | vaddr) % pgsize == 0 else { throw .EINVAL }
        guard IOVARange(start: iova, length: size) != nil, IOVARange(start: vaddr, length: size) != nil else { throw .EINVAL }
        _ = try ioasMap(IOASMapArgs(flags: mapFlags, ioasID: c.ioasID, iova: iova, length: size, userVA: vaddr), &s)
        return .ok
    }

    /// `VFIO_IOMMU_UNMAP_DMA`; the bytes unmapped are the output `size`.
    func vfioUnmapDMA(iova: UInt64, size: UInt64, flags: UInt32, _ c: Type1Container, _ s: inout IOMMUFDState) -> Step {
        typealias C = IOMMUFDConstants
        guard c.isSet, flags & ~C.VFIO_DMA_UNMAP_FLAG_ALL == 0 else { return Step(outcome: .errno(.EINVAL)) }
        let ioasID = c.ioasID
        if config.type1Impl == .iommufdCompat { return compatUnmap(ioasID: ioasID, flags: flags, iova: iova, size: size, &s) }
        if flags & C.VFIO_DMA_UNMAP_FLAG_ALL != 0 {
            guard iova == 0, size == 0 else { return Step(outcome: .errno(.EINVAL)) }
            return Self.reportingSize(ioasUnmap(ioasID: ioasID, iova: 0, length: .max, &s))
        }
        switch (config.type1Impl, c.version) {
        case (.naive, .v1?):
            do { return Step(outcome: try naiveUnmap(iova: iova, size: size, c, &s)) } catch { return Step(outcome: .errno(error)) }
        default:
            do { return Step(outcome: try type1Unmap(iova: iova, size: size, c, &s)) } catch { return Step(outcome: .errno(error)) }
        }
    }

    /// `vfio_dma_do_unmap`: v2 refuses a request that bisects a mapping (EINVAL); v1 removes every
    /// whole mapping whose first IOVA the request covers, and nothing when the request starts
    /// inside a mapping. Both report the bytes of the mappings removed, and neither ever splits.
    func type1Unmap(iova: UInt64, size: UInt64, _ c: Type1Container, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let ioasID = c.ioasID
        let request = try type1Request(iova: iova, size: size, c, s)
        let areas = s.ioas(ioasID)?.areas ?? []
        if c.version == .v2 {
            for a in areas where a.range.intersects(request) && !request.contains(a.range) { throw .EINVAL }
        } else if areas.contains(where: { $0.range.first < request.first && $0.range.contains(request.first) }) {
            return Self.unmappedSize(0)
        }
        var unmapped: UInt64 = 0
        for a in areas where request.contains(a.range.first) {
            unlay(a, from: ioasID, &s)
            s.updateIOAS(ioasID) { $0.areas.removeAll { $0.range == a.range } }
            unmapped &+= a.range.length
        }
        return Self.unmappedSize(unmapped)
    }

    /// The naive design of H11 under TYPE1: cut the tracked mappings at the request, unmap exactly
    /// the requested range through the IOMMU, report the requested size. An IOMMU that refuses the
    /// partial unmap of a large leaf makes it EINVAL; one that clears the whole leaf
    /// (`unmap-large-leaf = clear-whole`) silently takes the rest of the leaf with it.
    func naiveUnmap(iova: UInt64, size: UInt64, _ c: Type1Container, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let ioasID = c.ioasID
        let request = try type1Request(iova: iova, size: size, c, s)
        try cutAreas(ioasID, at: [request.last] + (iova == 0 ? [] : [iova - 1]), &s)
        let inside = (s.ioas(ioasID)?.areas ?? []).filter { request.contains($0.range) }
        for (_, h) in s.pagingHWPTs(on: ioasID) {
            try s.hardware.update(h.domain) { d throws(Errno) in
                for a in inside where d.table.unmap(iova: a.range.first, size: a.range.length, largeLeaf: config.unmapLargeLeaf) < a.range.length {
                    throw .EINVAL
                }
            }
            s.hardware.syncIOTLB(domain: h.domain, iova: request.first, length: request.length)
        }
        s.updateIOAS(ioasID) { $0.areas.removeAll { request.contains($0.range) } }
        return Self.unmappedSize(size)
    }

    /// The alignment and wrap checks of `vfio_dma_do_unmap`.
    func type1Request(iova: UInt64, size: UInt64, _ c: Type1Container, _ s: IOMMUFDState) throws(Errno) -> IOVARange {
        let pgsize = alignment(of: c.ioasID, s)
        guard size != 0, iova % pgsize == 0, size % pgsize == 0, let range = IOVARange(start: iova, length: size) else { throw .EINVAL }
        return range
    }

    /// `iopt_cut_iova`: splits the areas holding each IOVA so that one ends there.
    func cutAreas(_ ioasID: UInt32, at iovas: [UInt64], _ s: inout IOMMUFDState) throws(Errno) {
        for x in iovas { try cutArea(ioasID, at: x, &s) }
    }

    static func unmappedSize(_ bytes: UInt64) -> Outcome {
        Outcome(.ok, outputs: [OutputField("size", .number(bytes))], principal: bytes)
    }
}
