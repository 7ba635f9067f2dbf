package server

import (
	"strings"
)

// badBody is one malformed or invalid body for a write endpoint.
type badBody struct {
	name  string
	body  any    // a string is sent as is; anything else as JSON ({placeholders} are fixture ids)
	field string // the field the error names; "" when it is about the body as a whole
}

// writeEndpoint is how a write endpoint is called in the malformed-body
// test: by whom, where, with which valid body (varied into generated bad
// bodies: wrong types, texts over their bound, unknown fields, broken
// JSON) and with which bodies of its own that break its rules.
type writeEndpoint struct {
	as     string         // admin, regulator, owner, agency or anon
	path   string         // {placeholders} are fixture ids (malformedEnv.ids)
	valid  map[string]any // passes decoding; nil for an endpoint without a JSON body
	bad    []badBody
	noBody string // why the endpoint reads no body
	upload string // the file field of a multipart upload endpoint
	// optional: an empty body is allowed (it carries only an optional note).
	optional bool
}

// with copies a body and sets (or, with nil, removes) keys.
func with(body map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(body))
	for k, v := range body {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

var (
	long101 = strings.Repeat("名", 101)

	validRegistration = map[string]any{"kind": "agency", "org_name": "甘肃陇原工程咨询有限公司", "uscc": "91620103MA72PB6R1H",
		"region": "620103", "contact": "张伟", "phone": "0931-8888888", "login": "newagency", "name": "张伟", "password": testPassword}
	validRegulator = map[string]any{"org_name": "兰州市生态环境局", "department": "环评审批科", "region": "620100", "login": "newreg",
		"name": "李娜", "password": testPassword}
	validItem = map[string]any{"code": "NEW-001", "name": "水土保持方案编制", "category": "评估评价", "stage": "用地",
		"qualifications": []string{"水土保持方案编制资质"}, "qual_mode": "any", "fee_basis": "市场调节", "time_limit_days": 20}
	validApplication = map[string]any{"uscc": "{agency_uscc}", "name": "甘肃第1环境咨询有限公司", "legal_rep": "李静", "region": "620102",
		"address": "兰州市城关区", "contact": "李静", "phone": "0931-8888001",
		"qualifications": []map[string]any{{"type": "环评能力", "cert_no": "HP-1", "valid_from": "2025-01-01", "valid_to": "2029-01-01", "file_id": "{file}"}},
		"practitioners":  []map[string]any{{"name": "李明", "certificate": "环评工程师 001", "id_number": "62010219800101123X"}},
		"listings":       []map[string]any{{"item_code": hallItem, "committed_days": 20, "fee_note": "按合同约定"}}}
	validProject = map[string]any{"name": "兰州新区综合管廊项目环境影响评价", "item_code": hallItem, "region": "620102", "funding": "fiscal",
		"ceiling_fen": 500_000_00, "floor_fen": 100_000_00, "time_limit_days": 25, "method": "random",
		"signup_deadline": "2026-12-09T17:00:00+08:00", "opening_time": "2026-12-10T09:30:00+08:00", "scope": "环境影响报告书编制",
		"witnesses": []string{"王五"}}
	validComplaint = map[string]any{"name": "张先生", "phone": "13800001111", "target_id": "{agency}", "subject": "出具报告数据造假",
		"details": "该机构出具的环评报告中监测数据与现场明显不符，请核查。"}
	validSanction = map[string]any{"agency_id": "{agency}", "kind": "warning", "cause": "报告编制不规范", "legal_basis": "《管理办法》第十条"}
)

// projectWith is the valid project with changes (for the owner's drafts).
func projectWith(kv ...any) map[string]any { return with(validProject, kv...) }

// writeEndpoints covers every write route of the API, by "METHOD path".
// TestMalformedBodiesCoverEveryWriteRoute fails when a route is missing.
var writeEndpoints = map[string]writeEndpoint{
	// Registration and login.
	"POST /api/v1/auth/register": {as: "anon", path: "/api/v1/auth/register", valid: validRegistration, bad: []badBody{
		{"nothing", `{}`, "kind"},
		{"an unknown kind", with(validRegistration, "kind", "bank"), "kind"},
		{"a credit code with a wrong check character", with(validRegistration, "uscc", "91620103MA72PB6R1J"), "uscc"},
		{"a region of no province", with(validRegistration, "region", "990000"), "region"},
		{"a short password", with(validRegistration, "password", "short"), "password"},
		{"a malformed e-mail", with(validRegistration, "email", "not-an-address"), "email"},
		{"a login with spaces", with(validRegistration, "login", "A B"), "login"},
		{"an organisation name of 101 characters", with(validRegistration, "org_name", long101), "org_name"},
	}},
	"POST /api/v1/auth/login": {as: "anon", path: "/api/v1/auth/login", valid: map[string]any{"login": "agency1", "password": "x"}, bad: []badBody{
		{"no login", `{"password":"x"}`, "login"},
		{"no password", `{"login":"agency1"}`, "password"},
		{"a login of 65 characters", map[string]any{"login": strings.Repeat("a", 65), "password": "x"}, "login"},
	}},
	"POST /api/v1/auth/logout": {noBody: "ends the caller's session"},

	// The caller's own account.
	"POST /api/v1/me/password": {as: "agency", path: "/api/v1/me/password",
		valid: map[string]any{"old_password": testPassword, "new_password": "another-long-password"}, bad: []badBody{
			{"a short new password", map[string]any{"old_password": testPassword, "new_password": "short"}, "new_password"},
			{"a wrong old password", map[string]any{"old_password": "not-the-password", "new_password": "another-long-password"}, "old_password"},
		}},
	"POST /api/v1/me/tokens": {as: "agency", path: "/api/v1/me/tokens", valid: map[string]any{"name": "数据同步"}, bad: []badBody{
		{"no name", `{}`, "name"},
		{"a name of 51 characters", map[string]any{"name": strings.Repeat("令", 51)}, "name"},
	}},
	"DELETE /api/v1/me/tokens/:id": {noBody: "revokes the token named in the path"},

	// Platform administration.
	"POST /api/v1/admin/users/:id/disable": {noBody: "disables the account named in the path"},
	"POST /api/v1/admin/users/:id/enable":  {noBody: "enables the account named in the path"},
	"POST /api/v1/admin/regulators": {as: "admin", path: "/api/v1/admin/regulators", valid: validRegulator, bad: []badBody{
		{"no department name", with(validRegulator, "org_name", nil), "org_name"},
		{"a region of no province", with(validRegulator, "region", "990100"), "region"},
		{"an unknown department", with(validRegulator, "org_id", "regulator:nope"), "org_id"},
		{"a short password", with(validRegulator, "password", "short"), "password"},
		{"a login with spaces", with(validRegulator, "login", "a b"), "login"},
	}},

	// Service catalog.
	"POST /api/v1/service-items": {as: "admin", path: "/api/v1/service-items", valid: validItem, bad: []badBody{
		{"an unknown stage", with(validItem, "stage", "设计"), "stage"},
		{"a time limit of 0 days", with(validItem, "time_limit_days", 0), "time_limit_days"},
		{"a time limit of 366 days", with(validItem, "time_limit_days", 366), "time_limit_days"},
		{"a negative time limit", with(validItem, "time_limit_days", -1), "time_limit_days"},
		{"an unknown qualification mode", with(validItem, "qual_mode", "some"), "qual_mode"},
		{"an unknown fee basis", with(validItem, "fee_basis", "免费"), "fee_basis"},
		{"a code of 33 characters", with(validItem, "code", strings.Repeat("X", 33)), "code"},
		{"no name", with(validItem, "name", " "), "name"},
		{"a name of 101 characters", with(validItem, "name", long101), "name"},
	}},
	"PUT /api/v1/service-items/:code": {as: "admin", path: "/api/v1/service-items/{item}", valid: with(validItem, "code", hallItem), bad: []badBody{
		{"another code than the path's", with(validItem, "code", "OTHER-1"), "code"},
		{"an unknown stage", with(validItem, "code", hallItem, "stage", "设计"), "stage"},
		{"a time limit of 0 days", with(validItem, "code", hallItem, "time_limit_days", 0), "time_limit_days"},
	}},
	"POST /api/v1/service-items/import": {as: "admin", path: "/api/v1/service-items/import", upload: "file"},

	// Agency admission.
	"POST /api/v1/my/agency":            {noBody: "starts an application from the registration"},
	"POST /api/v1/my/agency/commitment": {noBody: "signs the current commitment letter"},
	"POST /api/v1/my/agency/submit":     {noBody: "submits the saved application"},
	"POST /api/v1/my/agency/withdraw":   {noBody: "withdraws the caller's agency"},
	"PUT /api/v1/my/agency": {as: "agency", path: "/api/v1/my/agency", valid: validApplication, bad: []badBody{
		{"a credit code with a wrong check character", with(validApplication, "uscc", "91620102MA73QW8N10"), "uscc"},
		{"no name", with(validApplication, "name", ""), "name"},
		{"a legal representative of 51 characters", with(validApplication, "legal_rep", strings.Repeat("李", 51)), "legal_rep"},
		{"a region of no province", with(validApplication, "region", "990102"), "region"},
		{"an address of 201 characters", with(validApplication, "address", strings.Repeat("路", 201)), "address"},
		{"a malformed validity date", with(validApplication, "qualifications", []map[string]any{{"type": "环评能力", "cert_no": "HP-1",
			"valid_from": "2025/01/01", "valid_to": "2029-01-01"}}), "qualifications[0].valid_from"},
		{"validity dates out of order", with(validApplication, "qualifications", []map[string]any{{"type": "环评能力", "cert_no": "HP-1",
			"valid_from": "2029-01-01", "valid_to": "2025-01-01"}}), "qualifications[0].valid_to"},
		{"a year 0 validity date", with(validApplication, "qualifications", []map[string]any{{"type": "环评能力", "cert_no": "HP-1",
			"valid_from": "0000-01-01", "valid_to": "2029-01-01"}}), "qualifications[0].valid_from"},
		{"a certificate scan of another organisation", with(validApplication, "qualifications", []map[string]any{{"type": "环评能力",
			"cert_no": "HP-1", "valid_from": "2025-01-01", "valid_to": "2029-01-01", "file_id": "{contract_file}"}}), "qualifications[0].file_id"},
		{"a qualification without type", with(validApplication, "qualifications", []map[string]any{{"cert_no": "HP-1",
			"valid_from": "2025-01-01", "valid_to": "2029-01-01"}}), "qualifications[0].type"},
		{"a practitioner without name", with(validApplication, "practitioners", []map[string]any{{"certificate": "x"}}), "practitioners[0].name"},
		{"an unknown service item", with(validApplication, "listings", []map[string]any{{"item_code": "NOPE", "committed_days": 20}}), "listings[0].item_code"},
		{"a committed time limit of 0 days", with(validApplication, "listings", []map[string]any{{"item_code": hallItem, "committed_days": 0}}), "listings[0].committed_days"},
		{"a committed time limit over the statutory one", with(validApplication, "listings", []map[string]any{{"item_code": hallItem, "committed_days": 31}}), "listings[0].committed_days"},
		{"a service item listed twice", with(validApplication, "listings", []map[string]any{{"item_code": hallItem, "committed_days": 20},
			{"item_code": hallItem, "committed_days": 20}}), "listings[1].item_code"},
	}},

	// Files.
	"POST /api/v1/files": {as: "agency", path: "/api/v1/files", upload: "file"},

	// Review and supervision of agencies.
	"POST /api/v1/registry/agencies/:id/review": {as: "regulator", path: "/api/v1/registry/agencies/{agency}/review",
		valid: map[string]any{"decision": "return", "note": "资质证书扫描件不清晰"}, bad: []badBody{
			{"an unknown decision", map[string]any{"decision": "maybe"}, "decision"},
			{"a return without note", map[string]any{"decision": "return"}, "note"},
			{"a rejection with a blank note", map[string]any{"decision": "reject", "note": "   "}, "note"},
			{"a note of 1001 characters", map[string]any{"decision": "return", "note": strings.Repeat("意", 1001)}, "note"},
		}},
	"POST /api/v1/registry/agencies/:id/change-review": {as: "regulator", path: "/api/v1/registry/agencies/{agency}/change-review",
		valid: map[string]any{"approve": false, "note": "与营业执照不符"}, bad: []badBody{
			{"a refusal without note", `{}`, "note"},
			{"a refusal with a blank note", map[string]any{"approve": false, "note": " "}, "note"},
		}},
	"POST /api/v1/registry/agencies/:id/suspend": {as: "regulator", path: "/api/v1/registry/agencies/{agency}/suspend",
		valid: map[string]any{"reason": "资质证书被注销"}, bad: []badBody{
			{"no reason", `{}`, "reason"},
			{"a blank reason", map[string]any{"reason": "  "}, "reason"},
		}},
	"POST /api/v1/registry/agencies/:id/restore": {as: "regulator", path: "/api/v1/registry/agencies/{agency}/restore",
		valid: map[string]any{"reason": "核查完毕"}, bad: []badBody{{"no reason", `{}`, "reason"}}},

	// The owner's organisation.
	"PUT /api/v1/my/org": {as: "owner", path: "/api/v1/my/org", valid: map[string]any{"name": "兰州市城市建设投资有限公司", "region": "620102"}, bad: []badBody{
		{"no name", map[string]any{"region": "620102"}, "name"},
		{"a name of 101 characters", map[string]any{"name": long101, "region": "620102"}, "name"},
		{"a region prefix", map[string]any{"name": "城投", "region": "6201"}, "region"},
		{"a contact of 51 characters", map[string]any{"name": "城投", "region": "620102", "contact": strings.Repeat("赵", 51)}, "contact"},
		{"a phone of 31 characters", map[string]any{"name": "城投", "region": "620102", "phone": strings.Repeat("1", 31)}, "phone"},
		{"a malformed e-mail", map[string]any{"name": "城投", "region": "620102", "email": "@"}, "email"},
	}},

	// Owners' projects.
	"POST /api/v1/projects": {as: "owner", path: "/api/v1/projects", valid: validProject, bad: projectBadBodies()},
	"PUT /api/v1/projects/:id": {as: "owner", path: "/api/v1/projects/{draft}", valid: validProject, bad: []badBody{
		{"a negative ceiling", projectWith("ceiling_fen", -1), "ceiling_fen"},
		{"opening before the deadline", projectWith("opening_time", "2026-12-08T09:00:00+08:00"), "opening_time"},
		{"an unknown method", projectWith("method", "auction"), "method"},
	}},
	"POST /api/v1/projects/:id/publish":   {noBody: "publishes the draft"},
	"POST /api/v1/projects/:id/republish": {noBody: "drafts the next round of a failed project"},
	"POST /api/v1/projects/:id/resume":    {noBody: "resumes the service clock"},
	"POST /api/v1/projects/:id/cancel": {as: "owner", path: "/api/v1/projects/{project}/cancel", valid: map[string]any{"reason": "建设方案调整"}, bad: []badBody{
		{"no reason", `{}`, "reason"},
		{"a blank reason", map[string]any{"reason": "\t "}, "reason"},
	}},
	"POST /api/v1/projects/:id/criteria-scores": {as: "owner", path: "/api/v1/projects/{scoring}/criteria-scores",
		valid: map[string]any{"scores": map[string][]int64{"{agency}": {50000}, "{other}": {60000}}}, bad: []badBody{
			{"no scores", `{"scores":{}}`, "scores.{agency}"},
			{"a negative score", map[string]any{"scores": map[string][]int64{"{agency}": {-1}, "{other}": {60000}}}, "scores.{agency}[0]"},
			{"a score above the criterion's maximum", map[string]any{"scores": map[string][]int64{"{agency}": {100001}, "{other}": {60000}}}, "scores.{agency}[0]"},
			{"two scores for one criterion", map[string]any{"scores": map[string][]int64{"{agency}": {1, 2}, "{other}": {60000}}}, "scores.{agency}"},
			{"a score for an agency without a valid quote", map[string]any{"scores": map[string][]int64{"{agency}": {50000}, "{other}": {60000},
				"agency:91620102MA73QW8N99": {1}}}, "scores.agency:91620102MA73QW8N99"},
			{"a fractional score", `{"scores":{"{agency}":[0.5]}}`, "scores"},
		}},
	"POST /api/v1/projects/:id/contract": {as: "owner", path: "/api/v1/projects/{project}/contract",
		valid: map[string]any{"amount_fen": 400_000_00, "signed_on": "2026-12-04", "file_id": "{contract_file}"}, bad: []badBody{
			{"an amount of 0", map[string]any{"amount_fen": 0, "signed_on": "2026-12-04", "file_id": "{contract_file}"}, "amount_fen"},
			{"a negative amount", map[string]any{"amount_fen": -100, "signed_on": "2026-12-04", "file_id": "{contract_file}"}, "amount_fen"},
			{"an amount in yuan with decimals", `{"amount_fen":4000.5,"signed_on":"2026-12-04","file_id":"{contract_file}"}`, "amount_fen"},
			{"a date with slashes", map[string]any{"amount_fen": 100, "signed_on": "2026/12/04", "file_id": "{contract_file}"}, "signed_on"},
			{"an impossible date", map[string]any{"amount_fen": 100, "signed_on": "2026-02-30", "file_id": "{contract_file}"}, "signed_on"},
			{"no file", map[string]any{"amount_fen": 100, "signed_on": "2026-12-04"}, "file_id"},
			{"a file of another organisation", map[string]any{"amount_fen": 100, "signed_on": "2026-12-04", "file_id": "{file}"}, "file_id"},
		}},
	"POST /api/v1/projects/:id/extend": {as: "owner", path: "/api/v1/projects/{project}/extend", valid: map[string]any{"days": 10, "reason": "规划调整"}, bad: []badBody{
		{"0 days", map[string]any{"days": 0, "reason": "规划调整"}, "days"},
		{"a negative number of days", map[string]any{"days": -5, "reason": "规划调整"}, "days"},
		{"366 days", map[string]any{"days": 366, "reason": "规划调整"}, "days"},
		{"no reason", map[string]any{"days": 10}, "reason"},
	}},
	"POST /api/v1/projects/:id/pause": {as: "owner", path: "/api/v1/projects/{project}/pause", valid: map[string]any{"reason": "等待业主提供地形图"},
		bad: []badBody{{"no reason", `{}`, "reason"}}},
	"POST /api/v1/projects/:id/delivery-decision": {as: "owner", path: "/api/v1/projects/{project}/delivery-decision",
		valid: map[string]any{"accept": false, "reason": "第三章监测数据缺失"}, bad: []badBody{
			{"no choice", `{}`, "accept"},
			{"a choice of null", `{"accept":null,"reason":"x"}`, "accept"},
			{"a return without reason", map[string]any{"accept": false}, "reason"},
		}},
	"POST /api/v1/projects/:id/evaluation": {as: "owner", path: "/api/v1/projects/{project}/evaluation",
		valid: map[string]any{"quality": 5, "timeliness": 4, "attitude": 5, "fees": 5, "conduct": 5, "comment": "报告质量高"}, bad: []badBody{
			{"6 stars", map[string]any{"quality": 6, "timeliness": 4, "attitude": 5, "fees": 5, "conduct": 5}, "quality"},
			{"0 stars", map[string]any{"quality": 5, "timeliness": 4, "attitude": 5, "fees": 5, "conduct": 0}, "conduct"},
			{"no stars", `{}`, "timeliness"},
			{"a comment of 1001 characters", map[string]any{"quality": 5, "timeliness": 4, "attitude": 5, "fees": 5, "conduct": 5,
				"comment": strings.Repeat("好", 1001)}, "comment"},
		}},

	// Agencies' sign-ups, quotes and service.
	"POST /api/v1/projects/:id/signup":  {noBody: "signs the caller's agency up"},
	"DELETE /api/v1/projects/:id/quote": {noBody: "withdraws the caller's quote"},
	"POST /api/v1/projects/:id/quote": {as: "agency", path: "/api/v1/projects/{project}/quote", valid: map[string]any{"amount_fen": 300_000_00}, bad: []badBody{
		{"a negative amount", map[string]any{"amount_fen": -1}, "amount_fen"},
		{"an amount of 0", map[string]any{"amount_fen": 0}, "amount_fen"},
		{"below the floor", map[string]any{"amount_fen": 99_999_99}, "amount_fen"},
		{"above the ceiling", map[string]any{"amount_fen": 500_000_01}, "amount_fen"},
		{"no amount", `{}`, "amount_fen"},
		{"an amount with decimals", `{"amount_fen":300000.5}`, "amount_fen"},
		{"an amount in exponent notation", `{"amount_fen":3e7}`, "amount_fen"},
		{"an amount beyond int64", `{"amount_fen":9223372036854775808}`, "amount_fen"},
		{"an amount as text", `{"amount_fen":"30000000"}`, "amount_fen"},
	}},
	"POST /api/v1/projects/:id/objection": {as: "agency", path: "/api/v1/projects/{project}/objection",
		valid: map[string]any{"reason": "中选机构的资质证书在报名截止日已过期"}, bad: []badBody{
			{"a reason of 2 characters", map[string]any{"reason": "不服"}, "reason"},
			{"a reason of 2001 characters", map[string]any{"reason": strings.Repeat("异", 2001)}, "reason"},
		}},
	"POST /api/v1/projects/:id/abandon": {as: "agency", path: "/api/v1/projects/{project}/abandon",
		valid: map[string]any{"reason": "人员安排冲突"}, bad: []badBody{{"no reason", `{}`, "reason"}}},
	"POST /api/v1/projects/:id/delivery": {as: "agency", path: "/api/v1/projects/{project}/delivery",
		valid: map[string]any{"file_id": "{deliverable}"}, bad: []badBody{
			{"no file", `{}`, "file_id"},
			{"a file of another organisation", map[string]any{"file_id": "{contract_file}"}, "file_id"},
		}},
	"POST /api/v1/projects/:id/evaluation-response": {as: "agency", path: "/api/v1/projects/{project}/evaluation-response",
		valid: map[string]any{"response": "感谢评价"}, bad: []badBody{
			{"no response", `{}`, "response"},
			{"a response of 1001 characters", map[string]any{"response": strings.Repeat("谢", 1001)}, "response"},
		}},

	// Regulators on projects.
	"POST /api/v1/projects/:id/announcement-review": {as: "regulator", path: "/api/v1/projects/{project}/announcement-review",
		valid: map[string]any{"approve": false, "note": "资格条件设置不当"}, bad: []badBody{
			{"no choice", `{"note":"x"}`, "approve"},
			{"a return without note", map[string]any{"approve": false}, "note"},
		}},
	"POST /api/v1/projects/:id/objection-decision": {as: "regulator", path: "/api/v1/projects/{project}/objection-decision",
		valid: map[string]any{"upheld": false, "note": "经核查资质有效"}, bad: []badBody{
			{"no choice", `{"note":"x"}`, "upheld"},
			{"no note", map[string]any{"upheld": true}, "note"},
		}},

	// Holiday calendar.
	"POST /api/v1/admin/calendar/import": {as: "admin", path: "/api/v1/admin/calendar/import", upload: "file"},

	// Complaints.
	"POST /api/v1/complaints": {as: "anon", path: "/api/v1/complaints", valid: validComplaint, bad: []badBody{
		{"nothing", `{}`, "subject"},
		{"a subject of 3 characters", with(validComplaint, "subject", "数据假"), "subject"},
		{"details of 9 characters", with(validComplaint, "details", "数据与现场不符请核"), "details"},
		{"details of 5001 characters", with(validComplaint, "details", strings.Repeat("详", 5001)), "details"},
		{"an unknown target kind", with(validComplaint, "target_kind", "bank"), "target_kind"},
		{"an unknown agency", with(validComplaint, "target_id", "agency:91620102MA73QW8N99"), "target_id"},
		{"an unknown project", with(validComplaint, "project_id", "P000000000000"), "project_id"},
		{"no phone", with(validComplaint, "phone", nil), "phone"},
		{"a phone of 3 digits", with(validComplaint, "phone", "110"), "phone"},
		{"evidence from the public", with(validComplaint, "evidence", []string{"{file}"}), "evidence"},
		{"11 evidence files", with(validComplaint, "evidence", strings.Split(strings.Repeat("f,", 10)+"f", ",")), "evidence"},
	}},
	"POST /api/v1/complaints/:id/withdraw": {as: "owner", path: "/api/v1/complaints/{complaint}/withdraw", optional: true,
		valid: map[string]any{"note": "已协商解决"}},
	"POST /api/v1/complaints/:id/response": {as: "agency", path: "/api/v1/complaints/{complaint}/response",
		valid: map[string]any{"response": "监测数据由业主提供"}, bad: []badBody{
			{"no response", `{}`, "response"},
			{"a blank response", map[string]any{"response": "  "}, "response"},
		}},

	// Agencies' appeals.
	"POST /api/v1/my/appeals": {as: "agency", path: "/api/v1/my/appeals",
		valid: map[string]any{"line_item_id": "{line_item}", "reason": "监测数据系业主提供，本机构已注明来源"}, bad: []badBody{
			{"no line item", map[string]any{"reason": "监测数据系业主提供，本机构已注明来源"}, "line_item_id"},
			{"an unknown line item", map[string]any{"line_item_id": "x", "reason": "监测数据系业主提供，本机构已注明来源"}, "line_item_id"},
			{"a reason of 2 characters", map[string]any{"line_item_id": "{line_item}", "reason": "不服"}, "reason"},
		}},

	// Regulators: complaints, sanctions, decisions, appeals, alerts, inspections.
	"POST /api/v1/supervision/complaints/:id/move": {as: "regulator", path: "/api/v1/supervision/complaints/{complaint}/move",
		valid: map[string]any{"to": "rejected", "note": "不属于受理范围"}, bad: []badBody{
			{"an unknown step", map[string]any{"to": "closed"}, "to"},
			{"a withdrawal by the regulator", map[string]any{"to": "withdrawn"}, "to"},
			{"a rejection without note", map[string]any{"to": "rejected"}, "note"},
			{"substantiated without severity", map[string]any{"to": "substantiated", "note": "属实"}, "severity"},
			{"an unknown severity", map[string]any{"to": "substantiated", "severity": "huge", "note": "属实"}, "severity"},
		}},
	"POST /api/v1/supervision/sanctions": {as: "regulator", path: "/api/v1/supervision/sanctions", valid: validSanction, bad: []badBody{
		{"an unknown kind", with(validSanction, "kind", "fine"), "kind"},
		{"a cause of 3 characters", with(validSanction, "cause", "不规范"), "cause"},
		{"a suspension without end", with(validSanction, "kind", "suspension"), "to"},
		{"an end before the start", with(validSanction, "kind", "suspension", "from", "2026-12-10", "to", "2026-12-01"), "to"},
		{"an impossible date", with(validSanction, "from", "2026-13-01"), "from"},
		{"a blacklisting without legal basis", with(validSanction, "kind", "blacklist", "legal_basis", nil), "legal_basis"},
		{"an unknown agency", with(validSanction, "agency_id", "agency:nope"), "agency_id"},
	}},
	"POST /api/v1/supervision/sanctions/:id/lift": {as: "regulator", path: "/api/v1/supervision/sanctions/{sanction}/lift",
		valid: map[string]any{"reason": "已完成整改"}, bad: []badBody{{"no reason", `{}`, "reason"}}},
	"POST /api/v1/supervision/decisions": {as: "regulator", path: "/api/v1/supervision/decisions",
		valid: map[string]any{"agency_id": "{agency}", "kind": "commendation", "note": "表现突出"}, bad: []badBody{
			{"an unknown kind", map[string]any{"agency_id": "{agency}", "kind": "praise", "note": "表现突出"}, "kind"},
			{"no note", map[string]any{"agency_id": "{agency}", "kind": "commendation"}, "note"},
			{"an unknown agency", map[string]any{"agency_id": "agency:nope", "kind": "commendation", "note": "表现突出"}, "agency_id"},
		}},
	"POST /api/v1/supervision/appeals/:id/decision": {as: "regulator", path: "/api/v1/supervision/appeals/{appeal}/decision",
		valid: map[string]any{"upheld": true, "note": "数据来源已注明"}, bad: []badBody{
			{"no choice", `{"note":"x"}`, "upheld"},
			{"no note", map[string]any{"upheld": true}, "note"},
		}},
	"POST /api/v1/supervision/alerts/:id/ack": {as: "regulator", path: "/api/v1/supervision/alerts/{alert}/ack",
		valid: map[string]any{"close": true, "note": "已督促受理"}, bad: []badBody{
			{"a close without note", map[string]any{"close": true}, "note"},
			{"a close with a blank note", map[string]any{"close": true, "note": "   "}, "note"},
		}},
	"POST /api/v1/supervision/inspections": {as: "regulator", path: "/api/v1/supervision/inspections",
		valid: map[string]any{"name": "2026 年第四季度抽查", "sample_size": 1, "inspectors": []string{"张检查", "李检查"}}, bad: []badBody{
			{"nothing", `{}`, "name"},
			{"a name of 3 characters", map[string]any{"name": "抽查一", "sample_size": 1, "inspectors": []string{"张", "李"}}, "name"},
			{"a sample of 0", map[string]any{"name": "第四季度抽查", "sample_size": 0, "inspectors": []string{"张", "李"}}, "sample_size"},
			{"a sample of 501", map[string]any{"name": "第四季度抽查", "sample_size": 501, "inspectors": []string{"张", "李"}}, "sample_size"},
			{"one inspector", map[string]any{"name": "第四季度抽查", "sample_size": 1, "inspectors": []string{"张", " 张 "}}, "inspectors"},
		}},
	"POST /api/v1/supervision/inspections/:id/draw": {noBody: "draws the plan's agencies and inspectors"},
	"POST /api/v1/supervision/inspections/:id/results": {as: "regulator", path: "/api/v1/supervision/inspections/{inspection}/results",
		valid: map[string]any{"agency_id": "{agency}", "result": "合格"}, bad: []badBody{
			{"an unknown result", map[string]any{"agency_id": "{agency}", "result": "优秀"}, "result"},
			{"no agency", map[string]any{"result": "合格"}, "agency_id"},
		}},

	// Migration from the former platform.
	"POST /api/v1/registry/migration/import": {as: "regulator", path: "/api/v1/registry/migration/import", upload: "file"},
	// Only a migrated agency gets an account this way; the fixture's agency
	// registered here, so only the decoding is reached (generated bodies).
	"POST /api/v1/registry/agencies/:id/account": {as: "regulator", path: "/api/v1/registry/agencies/{agency}/account",
		valid: map[string]any{"login": "lyhj-admin", "name": "孙丽", "phone": "0931-1234567", "password": testPassword}},

	// Message centre and webhooks.
	"POST /api/v1/my/notifications/read": {as: "agency", path: "/api/v1/my/notifications/read", valid: map[string]any{"ids": []string{"n-1"}}, bad: []badBody{
		{"neither ids nor all", `{}`, "ids"},
		{"101 ids", map[string]any{"ids": strings.Split(strings.Repeat("n,", 100)+"n", ",")}, "ids"},
	}},
	"PUT /api/v1/my/notification-preferences": {as: "agency", path: "/api/v1/my/notification-preferences",
		valid: map[string]any{"mail": map[string]bool{"project_match": true}}, bad: []badBody{
			{"an unknown kind of message", map[string]any{"mail": map[string]bool{"nope": true}}, "mail.nope"},
		}},
	"POST /api/v1/admin/webhooks":                                 {as: "admin", path: "/api/v1/admin/webhooks", valid: validWebhook, bad: webhookBadBodies()},
	"PUT /api/v1/admin/webhooks/:id":                              {as: "admin", path: "/api/v1/admin/webhooks/{webhook}", valid: validWebhook, bad: webhookBadBodies()},
	"DELETE /api/v1/admin/webhooks/:id":                           {noBody: "deletes the subscription named in the path"},
	"POST /api/v1/admin/webhooks/:id/deliveries/:delivery/replay": {noBody: "queues the delivery named in the path again"},
	"POST /api/v1/admin/webhooks/:id/access-token":                {noBody: "replaces the access token of the subscription named in the path"},
	"POST /api/v1/webhooks/:id/deliveries/:delivery/replay":       {noBody: "the subscriber queues its delivery named in the path again"},

	// Admins: the credit rule table.
	"PUT /api/v1/admin/credit/rules/:id": {as: "admin", path: "/api/v1/admin/credit/rules/{rule}", valid: map[string]any{"points_tenths": -40}, bad: []badBody{
		{"no points", `{"cap_tenths":0}`, "points_tenths"},
		{"points out of range", map[string]any{"points_tenths": 5000}, "points_tenths"},
		{"a cap out of range", map[string]any{"points_tenths": -40, "cap_tenths": 5000}, "cap_tenths"},
		{"points with decimals", `{"points_tenths":-4.5}`, "points_tenths"},
	}},
}

var validWebhook = map[string]any{"name": "甘肃省公共信用信息平台", "url": "https://xy.example.gov.cn/hooks/zjcs",
	"events": []string{"project.selected"}, "active": true}

// webhookBadBodies break each rule of a webhook subscription.
func webhookBadBodies() []badBody {
	return []badBody{
		{"no name", with(validWebhook, "name", " "), "name"},
		{"an ftp address", with(validWebhook, "url", "ftp://xy.example.gov.cn/hooks"), "url"},
		{"an address with a password", with(validWebhook, "url", "https://u:p@xy.example.gov.cn/hooks"), "url"},
		{"no events", with(validWebhook, "events", []string{}), "events"},
		{"an unknown event", with(validWebhook, "events", []string{"project.exploded"}), "events"},
		{"a secret of 3 characters", with(validWebhook, "secret", "abc"), "secret"},
	}
}

// projectBadBodies break each rule of a project.
func projectBadBodies() []badBody {
	scoring := func(w map[string]any) map[string]any { return projectWith("method", "scoring", "weights", w) }
	return []badBody{
		{"nothing", `{}`, "item_code"},
		{"a negative ceiling", projectWith("ceiling_fen", -1), "ceiling_fen"},
		{"a ceiling of 0", projectWith("ceiling_fen", 0), "ceiling_fen"},
		{"a ceiling beyond the limit", projectWith("ceiling_fen", int64(1_000_000_000_01)), "ceiling_fen"},
		{"a negative floor", projectWith("floor_fen", -5), "floor_fen"},
		{"a floor above the ceiling", projectWith("floor_fen", 600_000_00), "floor_fen"},
		{"a ceiling in yuan with decimals", `{"ceiling_fen":5000.5}`, "ceiling_fen"},
		{"a deadline that is not RFC 3339", projectWith("signup_deadline", "2026-12-09 17:00"), "signup_deadline"},
		{"a deadline too soon", projectWith("signup_deadline", "2026-12-04T17:00:00+08:00"), "signup_deadline"},
		{"an opening before the deadline", projectWith("opening_time", "2026-12-08T09:00:00+08:00"), "opening_time"},
		{"an unknown funding", projectWith("funding", "loan"), "funding"},
		{"an unknown method", projectWith("method", "auction"), "method"},
		{"a time limit of 0 days", projectWith("time_limit_days", 0), "time_limit_days"},
		{"a time limit over the statutory one", projectWith("time_limit_days", 31), "time_limit_days"},
		{"a region of no province", projectWith("region", "990000"), "region"},
		{"an unknown item", projectWith("item_code", "NOPE"), "item_code"},
		{"a name of 101 characters", projectWith("name", long101), "name"},
		{"an investment code of 41 characters", projectWith("investment_code", strings.Repeat("9", 41)), "investment_code"},
		{"scoring without weights", projectWith("method", "scoring"), "weights"},
		{"weights not adding up to 100", scoring(map[string]any{"price": 60, "credit": 30}), "weights"},
		{"a negative weight", scoring(map[string]any{"price": -10, "credit": 110}), "weights"},
		{"weights that overflow to 100", scoring(map[string]any{"price": int64(9223372036854775807), "credit": int64(9223372036854775807),
			"criteria": []map[string]any{{"name": "技术方案", "max": 102}}}), "weights"},
		{"a criterion without name", scoring(map[string]any{"price": 60, "credit": 30, "criteria": []map[string]any{{"max": 10}}}), "weights.criteria[0]"},
		{"a criterion of 0 points", scoring(map[string]any{"price": 60, "credit": 40, "criteria": []map[string]any{{"name": "方案", "max": 0}}}), "weights.criteria[0]"},
		{"a direct choice without agency", projectWith("method", "direct", "funding", "social"), "direct_agency"},
		{"a direct choice with a short reason", projectWith("method", "direct", "funding", "social", "direct_agency", "{agency}", "direct_reason", "急"), "direct_reason"},
		{"a fiscal direct choice above the threshold", projectWith("method", "direct", "direct_agency", "{agency}", "direct_reason", "应急抢险工程须立即开展"), "method"},
		{"an exclusion without agency", projectWith("excluded", []map[string]any{{"reason": "关联关系"}}), "excluded[0].agency_id"},
		{"an exclusion without reason", projectWith("excluded", []map[string]any{{"agency_id": "{agency}"}}), "excluded[0].reason"},
		{"51 exclusions", projectWith("excluded", repeatRows(51, map[string]any{"agency_id": "{agency}", "reason": "关联关系"})), "excluded"},
		{"11 witnesses", projectWith("witnesses", strings.Split(strings.Repeat("王五,", 10)+"王五", ",")), "witnesses"},
	}
}

func repeatRows(n int, row map[string]any) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = row
	}
	return out
}
