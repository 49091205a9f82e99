/// The in-kernel IOMMU API as argued in 2015 (proposal `iommu-api`, `domain/proposals.md` S2):
/// a kernel user allocates a domain, attaches devices to it and maps physical memory, with no
/// uAPI object in between. Domains are named by their hardware id. The user is the kernel itself,
/// so a domain's table is its own intent: what can go wrong is which IOMMUs walk it (`compat`)
/// and freeing it under a device (`lifetime`).
///
/// `pgsize-source = ops` is the design before the 2015 pull: page sizes were a property of the
/// driver's ops — the union over every unit the driver runs — not of the domain, so a domain may
/// hold leaves its own IOMMU cannot walk. `domain` (the default) takes them from the domain's IOMMU.
extension IOMMUFD {
    /// `iommu_domain_alloc`: a paging domain for the driver of IOMMU `iommu`.
    func apiDomainAlloc(iommu: Int, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard topology.iommus.indices.contains(iommu) else { throw .ENODEV }
        let spec = topology.iommus[iommu]
        guard let table = try? PageTable(format: spec.preset.format, pageSizes: domainPageSizes(iommu)) else { throw .EINVAL }
        let id = s.hardware.allocateDomain { did in
            Domain(id: did, iommu: iommu, preset: spec.preset, enforcesCoherency: spec.canEnforceCoherency,
                   dirtyTracking: false, stage: .stage1, table: table)
        }
        return Outcome(.ok, outputs: [OutputField("domain", .number(UInt64(id)))], principal: UInt64(id))
    }

    /// A domain a kernel user may still name.
    func liveDomain(_ id: UInt32, _ s: IOMMUFDState) throws(Errno) -> Domain {
        guard let d = s.hardware.domain(DomainID(truncatingIfNeeded: id)), !d.freed else { throw .ENODEV }
        return d
    }

    /// `iommu_attach_device` (`__iommu_attach_group`): only a device alone in its group (EINVAL),
    /// a group already attached to a domain is EBUSY, and the driver refuses a domain it cannot
    /// use (`domain-scope`; EINVAL).
    func apiAttachDevice(domain id: UInt32, device: Int, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let domain = try liveDomain(id, s)
        let group = topology.devices[device].group
        guard topology.members(of: group).count == 1 else { throw .EINVAL }
        guard s.hardware.routes(group: group, pasid: 0).isEmpty else { throw .EBUSY }
        guard scopeAllows(domain, behind: topology.devices[device].iommu) else { throw .EINVAL }
        s.hardware.setRoute(group: group, pasid: 0, domain: domain.id)
        return .ok
    }

    /// `iommu_detach_device`: the device's group goes back to blocking DMA; naming another domain
    /// than the attached one does nothing (the kernel WARNs).
    func apiDetachDevice(domain id: UInt32, device: Int, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let domain = try liveDomain(id, s)
        let group = topology.devices[device].group
        if s.hardware.routes(group: group, pasid: 0).contains(where: { $0.domain == domain.id }) {
            s.hardware.clearRoutes(group: group, pasid: 0)
        }
        return .ok
    }

    /// `iommu_map`: IOVA, physical address and size aligned to the smallest page (EINVAL), then
    /// the table's own errors (EEXIST over a mapping); `IOMMU_READ` / `_WRITE` / `_CACHE` in `prot`.
    func apiMap(domain id: UInt32, iova: UInt64, paddr: UInt64, size: UInt64, prot: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let domain = try liveDomain(id, s)
        guard prot & ~7 == 0 else { throw .EINVAL }
        let minimum = domain.table.pageSizes.smallest
        guard (iova | paddr | size) % minimum == 0 else { throw .EINVAL }
        try s.hardware.update(domain.id) { d throws(Errno) in
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
    func apiUnmap(domain id: UInt32, iova: UInt64, size: UInt64, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let domain = try liveDomain(id, s)
        var unmapped: UInt64 = 0
        try s.hardware.update(domain.id) { d in
            unmapped = d.table.unmap(iova: iova, size: size, largeLeaf: config.unmapLargeLeaf)
        }
        s.hardware.syncIOTLB(domain: domain.id, iova: iova, length: max(size, unmapped))
        return Outcome(.ok, outputs: [OutputField("size", .number(unmapped))], principal: unmapped)
    }

    /// `iommu_domain_free`. The kernel API counts no users; `destroy-check = refcount` (the
    /// default) makes freeing an attached domain EBUSY, `none` frees it under the device.
    func apiDomainFree(domain id: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let domain = try liveDomain(id, s)
        if config.destroyCheck == .refcount, s.hardware.routes.contains(where: { $0.domain == domain.id }) { throw .EBUSY }
        s.hardware.freeDomain(domain.id)
        return .ok
    }
}
