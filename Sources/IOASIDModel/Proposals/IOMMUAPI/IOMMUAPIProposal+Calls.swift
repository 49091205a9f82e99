/// The calls, over the hardware alone.
extension IOMMUAPIProposal {
    /// `iommu_domain_alloc`: a paging domain for the driver of IOMMU `iommu`.
    func domainAlloc(iommu: Int, _ hw: inout Hardware) throws(Errno) -> Outcome {
        guard topology.iommus.indices.contains(iommu) else { throw .ENODEV }
        let spec = topology.iommus[iommu]
        guard let table = try? PageTable(format: spec.preset.format, pageSizes: context.kernel.domainPageSizes(iommu)) else { throw .EINVAL }
        let id = hw.allocateDomain { did in
            Domain(id: did, iommu: iommu, preset: spec.preset, enforcesCoherency: spec.canEnforceCoherency,
                   dirtyTracking: false, stage: .stage1, table: table)
        }
        return Outcome(.ok, outputs: [OutputField("domain", .number(UInt64(id)))], principal: UInt64(id))
    }

    /// A domain a kernel user may still name.
    func liveDomain(_ id: UInt32, _ hw: Hardware) throws(Errno) -> Domain {
        guard let d = hw.domain(DomainID(truncatingIfNeeded: id)), !d.freed else { throw .ENODEV }
        return d
    }

    /// `iommu_attach_device` (`__iommu_attach_group`): only a device alone in its group (EINVAL),
    /// a group already attached to a domain is EBUSY, and the driver refuses a domain it cannot
    /// use (`domain-scope`; EINVAL).
    func attachDevice(domain id: UInt32, device: Int, _ hw: inout Hardware) throws(Errno) -> Outcome {
        let domain = try liveDomain(id, hw)
        let group = topology.devices[device].group
        guard topology.members(of: group).count == 1 else { throw .EINVAL }
        guard hw.routes(group: group, pasid: 0).isEmpty else { throw .EBUSY }
        guard context.kernel.scopeAllows(domain, behind: topology.devices[device].iommu) else { throw .EINVAL }
        hw.setRoute(group: group, pasid: 0, domain: domain.id)
        return .ok
    }

    /// `iommu_detach_device`: the device's group goes back to blocking DMA; naming another domain
    /// than the attached one does nothing (the kernel WARNs).
    func detachDevice(domain id: UInt32, device: Int, _ hw: inout Hardware) throws(Errno) -> Outcome {
        let domain = try liveDomain(id, hw)
        let group = topology.devices[device].group
        if hw.routes(group: group, pasid: 0).contains(where: { $0.domain == domain.id }) {
            hw.clearRoutes(group: group, pasid: 0)
        }
        return .ok
    }

    /// `iommu_map`: IOVA, physical address and size aligned to the smallest page (EINVAL), then
    /// the table's own errors (EEXIST over a mapping); `IOMMU_READ` / `_WRITE` / `_CACHE` in `prot`.
    func map(domain id: UInt32, iova: UInt64, paddr: UInt64, size: UInt64, prot: UInt32, _ hw: inout Hardware) throws(Errno) -> Outcome {
        let domain = try liveDomain(id, hw)
        guard prot & ~7 == 0 else { throw .EINVAL }
        let minimum = domain.table.pageSizes.smallest
        guard (iova | paddr | size) % minimum == 0 else { throw .EINVAL }
        try hw.update(domain.id) { d throws(Errno) in
            do throws(Errno) {
                _ = try d.table.map(iova: iova, paddr: paddr, size: size, permissions: Permissions(rawValue: UInt8(prot)), stage: d.stage)
            } catch {
                // The io-pgtable WARN paths (an IOVA past the table) surface as EINVAL from iommu_map.
                throw error == .ERANGE ? .EINVAL : error
            }
        }
        return .ok
    }

    /// `iommu_unmap`: the bytes unmapped (0 when misaligned), then the IOTLB is synced.
    func unmap(domain id: UInt32, iova: UInt64, size: UInt64, _ hw: inout Hardware) throws(Errno) -> Outcome {
        let domain = try liveDomain(id, hw)
        var unmapped: UInt64 = 0
        try hw.update(domain.id) { d in
            unmapped = d.table.unmap(iova: iova, size: size, largeLeaf: context.kernel.config.unmapLargeLeaf)
        }
        hw.syncIOTLB(domain: domain.id, iova: iova, length: max(size, unmapped))
        return Outcome(.ok, outputs: [OutputField("size", .number(unmapped))], principal: unmapped)
    }

    /// `iommu_domain_free`. The kernel API counts no users; `destroy-check = refcount` (the
    /// default) makes freeing an attached domain EBUSY, `none` frees it under the device.
    func domainFree(domain id: UInt32, _ hw: inout Hardware) throws(Errno) -> Outcome {
        let domain = try liveDomain(id, hw)
        if context.kernel.config.destroyCheck == .refcount, hw.routes.contains(where: { $0.domain == domain.id }) { throw .EBUSY }
        hw.freeDomain(domain.id)
        return .ok
    }
}
