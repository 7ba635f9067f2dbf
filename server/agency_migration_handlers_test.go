package server

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/excel"
)

// migrationWorkbook builds an upload with the template's header and rows.
func migrationWorkbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", excel.AgencySheet); err != nil {
		t.Fatal(err)
	}
	var header []any
	for _, h := range excel.AgencyHeaders() {
		header = append(header, h)
	}
	for i, r := range append([][]any{header}, rows...) {
		if err := f.SetSheetRow(excel.AgencySheet, "A"+strconv.Itoa(i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// legacyRow is a legacy agency holding the qualification testItem needs.
func legacyRow(uscc, name, legacy string) []any {
	return []any{name, uscc, "620103", "赵强", "钱敏", "0931-2345678", "qm@example.cn", "兰州市七里河区西津西路 8 号",
		testItem, "工程咨询单位乙级资信/乙级/ZX-" + legacy + "/2099-12-31", legacy, "2018-09-01"}
}

func TestAgencyMigrationImport(t *testing.T) {
	e := newEnv(t)
	admin := e.loggedIn("admin1", auth.RoleAdmin)
	reg := e.loggedIn("reg1", auth.RoleRegulator)
	addItem(admin)

	// One agency applied and was admitted here; another only registered.
	native, nativeID := e.registerAgency("native-a", "91620105MA75NT1A1", "甘肃本地咨询有限公司")
	applyAndSubmit(t, native, strings.TrimPrefix(nativeID, "agency:"), "甘肃本地咨询有限公司")
	reg.do("POST", "/api/v1/registry/agencies/"+nativeID+"/review", reviewRequest{Decision: "approve"}).want(http.StatusOK)
	_, registeredID := e.registerAgency("native-b", "91620105MA75NT2B2", "甘肃新注册咨询有限公司")

	u1, u2 := validUSCC(t, "91620103MA7MG0011"), validUSCC(t, "91620103MA7MG0022")
	wrongQual := legacyRow(validUSCC(t, "91620103MA7MG0033"), "甘肃缺资质测绘有限公司", "OLD-5")
	wrongQual[9] = "测绘资质/乙级/CH-1/2099-12-31"
	badRegion := legacyRow(validUSCC(t, "91620103MA7MG0044"), "甘肃区划有误咨询有限公司", "OLD-6")
	badRegion[2] = "99"
	file := migrationWorkbook(t, [][]any{
		legacyRow(u1, "甘肃迁移一号咨询有限公司", "OLD-1"),                                         // line 2
		legacyRow(u2, "甘肃迁移二号咨询有限公司", "OLD-2"),                                         // line 3
		legacyRow(strings.TrimPrefix(nativeID, "agency:"), "甘肃本地咨询有限公司", "OLD-3"),      // line 4: admitted here
		legacyRow(strings.TrimPrefix(registeredID, "agency:"), "甘肃新注册咨询有限公司", "OLD-4"), // line 5: registered here
		wrongQual, // line 6
		badRegion, // line 7
	})

	// Regulators and admins import; agencies and the public may not.
	native.upload("/api/v1/registry/migration/import", "file", "迁移.xlsx", file, nil).want(http.StatusForbidden)
	e.client().upload("/api/v1/registry/migration/import", "file", "迁移.xlsx", file, nil).want(http.StatusUnauthorized)

	var out agencyImportResponse
	reg.upload("/api/v1/registry/migration/import", "file", "迁移.xlsx", file, nil).want(http.StatusOK).decode(&out)
	if out.Created != 2 || out.Updated != 0 || out.Unchanged != 0 || out.Invalid != 4 || len(out.Errors) != 4 {
		t.Fatalf("import %+v", out)
	}
	wants := []struct {
		line int
		msg  string
	}{
		{4, "B 列“统一社会信用代码”：该统一社会信用代码的机构“甘肃本地咨询有限公司”已在本平台自行注册"},
		{5, "B 列“统一社会信用代码”：该统一社会信用代码已在本平台注册账号"},
		{6, "I 列“服务事项编码”：服务事项“" + testItem + "”：缺少该事项要求的资质：工程咨询单位乙级资信"},
		{7, "C 列“注册地区划代码”"},
	}
	for i, w := range wants {
		re := out.Errors[i]
		if re.Line != w.line || len(re.Messages) != 1 || !strings.Contains(re.Messages[0], w.msg) {
			t.Errorf("row error %d = %+v, want line %d with %q", i, re, w.line, w.msg)
		}
	}

	// The migrated agencies are admitted and public; the native one is as it was.
	var pub publicAgencyDTO
	e.client().do("GET", "/api/v1/agencies/agency:"+u1, nil).want(http.StatusOK).decode(&pub)
	if pub.Name != "甘肃迁移一号咨询有限公司" || pub.USCC != u1 {
		t.Errorf("public agency %+v", pub)
	}
	var rev agencyReviewResponse
	reg.do("GET", "/api/v1/registry/agencies/agency:"+u1, nil).want(http.StatusOK).decode(&rev)
	if m := rev.Agency.Migration; rev.Agency.Status != "active" || m == nil || m.LegacyID != "OLD-1" || m.AdmittedOn != "2018-09-01" || m.ImportedBy != "reg1" {
		t.Errorf("migrated agency %+v, migration %+v", rev.Agency, rev.Agency.Migration)
	}
	var nat agencyReviewResponse
	reg.do("GET", "/api/v1/registry/agencies/"+nativeID, nil).want(http.StatusOK).decode(&nat)
	if nat.Agency.Migration != nil || nat.Agency.Profile.Name != "甘肃本地咨询有限公司" || nat.Agency.Profile.Phone != "0931-8888888" {
		t.Errorf("native agency %+v", nat.Agency)
	}

	// The same file again changes nothing; with ?format=xlsx the bad rows
	// come back as a workbook with the 错误原因 column.
	r := admin.upload("/api/v1/registry/migration/import?format=xlsx", "file", "迁移.xlsx", file, nil).want(http.StatusOK)
	if got := []string{r.Header().Get(headerImportCreated), r.Header().Get(headerImportUpdated),
		r.Header().Get(headerImportUnchanged), r.Header().Get(headerImportInvalid)}; !slices.Equal(got, []string{"0", "0", "2", "4"}) {
		t.Errorf("re-import counts %v", got)
	}
	rows := sheetRows(t, r, excel.AgencySheet)
	if len(rows) != 2+4 {
		t.Fatalf("error workbook rows %q", rows)
	}
	col := slices.Index(rows[1], "错误原因")
	if col != len(excel.AgencyHeaders()) || rows[1][col+1] != "原行号" {
		t.Fatalf("error workbook header %q", rows[1])
	}
	for i, w := range wants {
		if row := rows[2+i]; !strings.Contains(row[col], w.msg) || row[col+1] != strconv.Itoa(w.line) {
			t.Errorf("error workbook row %d = %q", i, row)
		}
	}

	// The import is audited with its counts.
	var recs listPage[auditDTO]
	reg.do("GET", "/api/v1/audit?action=agency.import", nil).want(http.StatusOK).decode(&recs)
	if recs.Total != 2 || !strings.Contains(recs.Items[1].Summary, "新增 2，更新 0，未变 0，错误 4") ||
		!strings.Contains(recs.Items[0].Summary, "新增 0，更新 0，未变 2，错误 4") || recs.Items[0].ActionLabel != "迁移导入中介机构" {
		t.Errorf("audit %+v", recs.Items)
	}

	// Template download.
	tpl := sheetRows(t, reg.do("GET", "/api/v1/registry/migration/template.xlsx", nil).want(http.StatusOK), excel.AgencySheet)
	if !slices.Equal(tpl[1], excel.AgencyHeaders()) {
		t.Errorf("template header %q", tpl[1])
	}
	e.client().do("GET", "/api/v1/registry/migration/template.xlsx", nil).want(http.StatusUnauthorized)
}

func TestMigratedAgencyAccountOpening(t *testing.T) {
	e := newEnv(t)
	admin := e.loggedIn("admin1", auth.RoleAdmin)
	reg := e.loggedIn("reg1", auth.RoleRegulator)
	addItem(admin)
	u := validUSCC(t, "91620103MA7MG0055")
	reg.upload("/api/v1/registry/migration/import", "file", "迁移.xlsx",
		migrationWorkbook(t, [][]any{legacyRow(u, "甘肃迁移五号咨询有限公司", "OLD-55")}), nil).want(http.StatusOK)
	id := "agency:" + u

	// Registering with the credit code does not claim the agency.
	eb := e.client().do("POST", "/api/v1/auth/register", registerRequest{Kind: "agency", OrgName: "甘肃迁移五号咨询有限公司", USCC: u,
		Region: "620103", Login: "grabber", Name: "某人", Password: testPassword}).want(http.StatusBadRequest).errBody()
	if !strings.Contains(eb.Fields["uscc"], "联系监管部门") {
		t.Errorf("registration with a migrated code: %+v", eb)
	}

	req := agencyAccountRequest{Login: "mg55", Name: "孙丽", Phone: "0931-1234567", Password: "temporary-pass-1"}
	agencyClient, otherID := e.registerAgency("other-agency", "91620105MA75NT3C3", "甘肃其他咨询有限公司")
	agencyClient.do("POST", "/api/v1/registry/agencies/"+id+"/account", req).want(http.StatusForbidden)
	reg.do("POST", "/api/v1/registry/agencies/agency:NOPE/account", req).want(http.StatusNotFound)
	bad := req
	bad.Password = "short"
	if eb := reg.do("POST", "/api/v1/registry/agencies/"+id+"/account", bad).want(http.StatusBadRequest).errBody(); !hasHan(eb.Fields["password"]) {
		t.Errorf("short password: %+v", eb)
	}

	var acct accountResponse
	reg.do("POST", "/api/v1/registry/agencies/"+id+"/account", req).want(http.StatusOK).decode(&acct)
	if acct.User.Login != "mg55" || acct.User.Role != "agency" || acct.Org.ID != id || acct.Org.USCC != u {
		t.Fatalf("account %+v", acct)
	}
	staff := e.client()
	staff.login("mg55", "temporary-pass-1")
	var own agencyDTO
	staff.do("GET", "/api/v1/my/agency", nil).want(http.StatusOK).decode(&own)
	if own.ID != id || own.Status != "active" || own.Migration == nil {
		t.Errorf("the agency's own view %+v", own)
	}

	// Only the first account; and never for an agency that registered here.
	req.Login = "mg55b"
	reg.do("POST", "/api/v1/registry/agencies/"+id+"/account", req).want(http.StatusConflict)
	agencyClient.do("POST", "/api/v1/my/agency", nil).want(http.StatusOK)
	reg.do("POST", "/api/v1/registry/agencies/"+otherID+"/account", req).want(http.StatusConflict)
	reg.do("POST", "/api/v1/registry/agencies/agency:"+validUSCC(t, "91620105MA75NT4D4")+"/account", req).want(http.StatusNotFound)
	var recs listPage[auditDTO]
	reg.do("GET", "/api/v1/audit?action=agency.open_account", nil).want(http.StatusOK).decode(&recs)
	if recs.Total != 1 || !strings.Contains(recs.Items[0].Summary, "mg55") || recs.Items[0].Target != id {
		t.Errorf("audit %+v", recs.Items)
	}
}
