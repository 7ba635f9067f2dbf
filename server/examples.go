package server

import "time"

// Example values for the API document (In/Out of each route).

var (
	exampleTime  = time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC)
	exampleLater = exampleTime.Add(12 * time.Hour)

	exampleUser = userDTO{Login: "lyzx", Name: "张伟", Role: "agency", RoleLabel: "中介机构",
		OrgID: "agency:91620105MA73QW8N26", Email: "zhangwei@example.cn", Phone: "0931-8888888", CreatedAt: exampleTime, LastLoginAt: &exampleLater}
	exampleOrg = orgDTO{ID: "agency:91620105MA73QW8N26", Kind: "agency", KindLabel: "中介机构", Name: "甘肃陇原工程咨询有限公司",
		USCC: "91620105MA73QW8N26", Region: "620105", Contact: "张伟", Phone: "0931-8888888", CreatedAt: exampleTime}
	exampleRegulatorUser = userDTO{Login: "zjj-hp", Name: "李娜", Role: "regulator", RoleLabel: "监管部门",
		OrgID: "regulator:620100:Ab3dE1", CreatedAt: exampleTime}
	exampleRegulatorOrg = orgDTO{ID: "regulator:620100:Ab3dE1", Kind: "regulator", KindLabel: "监管部门", Name: "兰州市生态环境局",
		Department: "环境影响评价审批", Region: "620100", CreatedAt: exampleTime}
	exampleToken = tokenDTO{ID: "3f1c…（令牌的 SHA-256）", Name: "Prometheus 抓取", Prefix: "ahk_Q2xv9a", CreatedAt: exampleTime}
	exampleAudit = auditDTO{Seq: 42, Time: exampleTime, ActorID: "admin", ActorRole: "admin", OrgID: "platform",
		Action: "user.disable", ActionLabel: "停用账号", Target: "user:lyzx", RequestID: "9c1e0a4b2f6d8e7a1b3c5d7e",
		IP: "10.0.0.8", Summary: "停用账号 lyzx", PrevHash: "5d41402abc4b2a76b9719d911017c592…", Hash: "7b502c3a1f48c8609ae212cdfb639dee…"}
	exampleItem = serviceItemDTO{Code: "LX-001", Name: "环境影响评价", Category: "生态环境", Stage: "立项",
		ApprovalMatter: "建设项目环境影响评价文件审批", Department: "生态环境局", LegalBasis: "《中华人民共和国环境影响评价法》第十六条",
		Qualifications: []string{"环境影响评价"}, QualMode: "any", FeeBasis: "市场调节", TimeLimitDays: 30, Enabled: true, UpdatedAt: exampleTime}
)

func examplePage[T any](items ...T) listPage[T] {
	return listPage[T]{Items: items, Total: len(items), Page: 1, PageSize: defaultPageSize}
}

// Registry examples.
var (
	exampleQualification = qualificationDTO{ID: "9f2c4e1a7b3d5c60", Type: "工程咨询单位乙级资信", Level: "乙级", CertNo: "乙212062010123",
		Issuer: "甘肃省工程咨询协会", ValidFrom: "2024-03-01", ValidTo: "2027-02-28", FileID: "5b1e…（上传文件的 id）", Valid: true}
	exampleProfile = profileDTO{USCC: "91620105MA73QW8N26", Name: "甘肃陇原工程咨询有限公司", LegalRep: "王强", Region: "620105",
		Address: "兰州市安宁区北滨河西路 1 号", Contact: "张伟", Phone: "0931-8888888", Email: "zhangwei@example.cn",
		Qualifications: []qualificationDTO{exampleQualification}}
	exampleListing = listingDTO{ItemCode: "LX-001", ItemName: "环境影响评价", Stage: "立项", CommittedDays: 20, FeeNote: "按合同约定，市场调节", Valid: true}
	exampleAgency  = agencyDTO{ID: "agency:91620105MA73QW8N26", Status: "pending", StatusLabel: "待审核", Profile: exampleProfile,
		Practitioners: []practitionerDTO{{ID: "c0ffee12ab34cd56", Name: "李明", Certificate: "注册咨询工程师（投资）0123456", IDMasked: "**************123X"}},
		Listings:      []listingDTO{exampleListing},
		Commitment:    &commitmentDTO{TextVersion: "2026-01", AcceptedAt: exampleTime, AcceptedBy: "lyzx"}, CommitmentVersion: "2026-01",
		Versions: []versionDTO{}, SubmittedAt: &exampleLater, UpdatedAt: exampleLater}
	exampleApplication = applicationRequest{USCC: "91620105MA73QW8N26", Name: "甘肃陇原工程咨询有限公司", LegalRep: "王强", Region: "620105",
		Address: "兰州市安宁区北滨河西路 1 号", Contact: "张伟", Phone: "0931-8888888", Email: "zhangwei@example.cn",
		Qualifications: []qualificationInput{{Type: "工程咨询单位乙级资信", Level: "乙级", CertNo: "乙212062010123", Issuer: "甘肃省工程咨询协会",
			ValidFrom: "2024-03-01", ValidTo: "2027-02-28", FileID: "5b1e…（POST /api/v1/files 返回的 id）"}},
		Practitioners: []practitionerInput{{Name: "李明", Certificate: "注册咨询工程师（投资）0123456", IDNumber: "62010219800101123X"}},
		Listings:      []listingInput{{ItemCode: "LX-001", CommittedDays: 20, FeeNote: "按合同约定，市场调节"}}}
	examplePublicAgency = publicAgencyDTO{ID: "agency:91620105MA73QW8N26", Name: "甘肃陇原工程咨询有限公司", USCC: "91620105MA73QW8N26",
		LegalRep: "王强", Region: "620105", Contact: "张伟", Phone: "0931-8888888", Status: "active", StatusLabel: "已入驻", AdmittedAt: &exampleLater,
		Qualifications: []publicQualificationDTO{{Type: "工程咨询单位乙级资信", Level: "乙级", CertNo: "乙212062010123", Issuer: "甘肃省工程咨询协会",
			ValidFrom: "2024-03-01", ValidTo: "2027-02-28", Valid: true}},
		Practitioners: []publicPractitionerDTO{{Name: "李明", Certificate: "注册咨询工程师（投资）0123456"}},
		Listings:      []listingDTO{exampleListing}}
	exampleDirectoryItem = directoryItemDTO{ID: "agency:91620105MA73QW8N26", Name: "甘肃陇原工程咨询有限公司", USCC: "91620105MA73QW8N26",
		Region: "620105", Status: "active", StatusLabel: "已入驻", Listings: []listingDTO{exampleListing},
		Qualifications: []qualSummaryDTO{{Type: "工程咨询单位乙级资信", ValidTo: "2027-02-28", Valid: true}}}
	exampleQueue = reviewQueueResponse{Items: []queueItemDTO{{ID: "agency:91620105MA73QW8N26", Name: "甘肃陇原工程咨询有限公司",
		USCC: "91620105MA73QW8N26", Region: "620105", Status: "pending", StatusLabel: "待审核", Kind: "application",
		SubmittedAt: &exampleLater, UpdatedAt: exampleLater}}, Counts: queueCounts{Applications: 1},
		StatusCounts: map[string]int{"pending": 1, "active": 12, "draft": 3}}
	exampleReview = agencyReviewResponse{Agency: exampleAgency,
		Diff: []fieldChangeDTO{{Field: "法定代表人", Old: "王强", New: "王磊"}},
		Audit: []auditDTO{{Seq: 57, Time: exampleLater, ActorID: "lyzx", ActorRole: "agency", OrgID: "agency:91620105MA73QW8N26",
			Action: "agency.submit", ActionLabel: "提交入驻申请", Target: "agency:91620105MA73QW8N26", Summary: "提交入驻申请：甘肃陇原工程咨询有限公司"}},
		AuditTotal: 1}
	exampleFile = fileDTO{ID: "5b1e9a0c3d7f4e2a8c6b1d0e9f8a7b6c", Name: "工程咨询资信证书.pdf", Size: 482113,
		SHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ContentType: "application/pdf",
		Purpose: "qualification", CreatedAt: exampleTime}
	exampleItemRequest = serviceItemRequest{Code: "LX-001", Name: "环境影响评价", Category: "生态环境", Stage: "立项",
		ApprovalMatter: "建设项目环境影响评价文件审批", Department: "生态环境局", LegalBasis: "《中华人民共和国环境影响评价法》第十六条",
		Qualifications: []string{"环境影响评价"}, QualMode: "any", FeeBasis: "市场调节", TimeLimitDays: 30}
	exampleImport = importResponse{Created: 12, Updated: 3, Unchanged: 40, Invalid: 1,
		Errors: []importRowError{{Line: 7, Code: "YD-003", Messages: []string{"D 列“审批阶段”：审批阶段应为：立项、用地、规划报建、施工许可、竣工验收之一，填写的是“用地审批”"}}}}
)
