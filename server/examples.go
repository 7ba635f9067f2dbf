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
		Action: "user.disable", ActionLabel: "user.disable", Target: "user:lyzx", RequestID: "9c1e0a4b2f6d8e7a1b3c5d7e",
		IP: "10.0.0.8", Summary: "停用账号 lyzx", PrevHash: "5d41402abc4b2a76b9719d911017c592…", Hash: "7b502c3a1f48c8609ae212cdfb639dee…"}
	exampleItem = serviceItemDTO{Code: "LX-001", Name: "环境影响评价", Category: "生态环境", Stage: "立项",
		ApprovalMatter: "建设项目环境影响评价文件审批", Department: "生态环境局", LegalBasis: "《中华人民共和国环境影响评价法》第十六条",
		Qualifications: []string{"环境影响评价"}, QualMode: "any", FeeBasis: "市场调节", TimeLimitDays: 30, Enabled: true, UpdatedAt: exampleTime}
)

func examplePage[T any](items ...T) listPage[T] {
	return listPage[T]{Items: items, Total: len(items), Page: 1, PageSize: defaultPageSize}
}
