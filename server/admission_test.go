package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
)

// TestAdmissionFlow walks admission through the API: register, upload a
// certificate, apply, accept the commitment letter, submit, approval by a
// regulator, and the public directory; then a key-field change and a
// suspension.
func TestAdmissionFlow(t *testing.T) {
	e := newEnv(t)
	admin := e.loggedIn("admin1", auth.RoleAdmin)
	reg := e.loggedIn("reg1", auth.RoleRegulator)
	anon := e.client()
	addItem(admin)

	ag, id := e.registerAgency("lyzx", "91620105MA73QW8N2", "甘肃陇原工程咨询有限公司")
	uscc := strings.TrimPrefix(id, "agency:")
	if eb := ag.do("GET", "/api/v1/my/agency", nil).want(http.StatusNotFound).errBody(); !strings.Contains(eb.Message, "入驻申请") {
		t.Errorf("before applying: %+v", eb)
	}

	// Start: a draft pre-filled from the registration, with the letter to sign.
	var a agencyDTO
	ag.do("POST", "/api/v1/my/agency", nil).want(http.StatusOK).decode(&a)
	if a.ID != id || a.Status != "draft" || a.Profile.Name != "甘肃陇原工程咨询有限公司" || a.Profile.USCC != uscc ||
		a.Profile.Region != "620105" || a.Profile.Email != "lyzx@example.cn" || !strings.Contains(a.CommitmentText, "承诺") {
		t.Fatalf("started %+v", a)
	}

	// Upload the scanned certificate.
	var f fileDTO
	ag.upload("/api/v1/files", "file", "资质证书 2024.pdf", samplePDF, map[string]string{"purpose": "qualification"}).
		want(http.StatusOK).decode(&f)
	if f.ContentType != "application/pdf" || f.Size != int64(len(samplePDF)) || len(f.SHA256) != 64 || f.Name != "资质证书 2024.pdf" {
		t.Fatalf("uploaded %+v", f)
	}
	r := ag.do("GET", "/api/v1/files/"+f.ID, nil).want(http.StatusOK)
	if !bytes.Equal(r.Body.Bytes(), samplePDF) || r.Header().Get("Content-Type") != "application/pdf" ||
		r.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %q %v", r.Body.Bytes()[:8], r.Header())
	}
	cd := r.Header().Get("Content-Disposition")
	if !strings.Contains(cd, `filename="download.pdf"`) || !strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape("资质证书 2024.pdf")) {
		t.Errorf("Content-Disposition %q", cd)
	}

	// Apply; a bad date and a missing legal representative are named.
	bad := application(uscc, "甘肃陇原工程咨询有限公司", "", f.ID)
	bad.Qualifications[0].ValidTo = "2099/02/28"
	eb := ag.do("PUT", "/api/v1/my/agency", bad).want(http.StatusBadRequest).errBody()
	if !hasHan(eb.Fields["qualifications[0].valid_to"]) {
		t.Errorf("bad date: %+v", eb)
	}
	bad.Qualifications[0].ValidTo = "2099-02-28"
	if eb := ag.do("PUT", "/api/v1/my/agency", bad).want(http.StatusBadRequest).errBody(); !hasHan(eb.Fields["legal_rep"]) {
		t.Errorf("no legal representative: %+v", eb)
	}
	ag.do("PUT", "/api/v1/my/agency", application(uscc, "甘肃陇原工程咨询有限公司", "王强", f.ID)).want(http.StatusOK).decode(&a)
	if len(a.Practitioners) != 1 || a.Practitioners[0].IDMasked != "**************123X" || len(a.Listings) != 1 ||
		a.Listings[0].ItemCode != testItem || !a.Listings[0].Valid || a.Profile.Qualifications[0].FileID != f.ID {
		t.Fatalf("saved %+v", a)
	}
	if body := ag.do("GET", "/api/v1/my/agency", nil).want(http.StatusOK).Body.String(); strings.Contains(body, "62010219800101") {
		t.Error("the full ID number came back")
	}

	// Submitting needs the commitment letter.
	if eb := ag.do("POST", "/api/v1/my/agency/submit", nil).want(http.StatusBadRequest).errBody(); !hasHan(eb.Fields["commitment"]) {
		t.Errorf("submit without commitment: %+v", eb)
	}
	a = agencyDTO{}
	ag.do("POST", "/api/v1/my/agency/commitment", nil).want(http.StatusOK).decode(&a)
	if a.Commitment == nil || a.Commitment.AcceptedBy != "lyzx" || a.Commitment.TextVersion != a.CommitmentVersion || a.CommitmentText != "" {
		t.Errorf("commitment %+v", a.Commitment)
	}
	ag.do("POST", "/api/v1/my/agency/submit", nil).want(http.StatusOK).decode(&a)
	if a.Status != "pending" || a.SubmittedAt == nil {
		t.Fatalf("submitted %+v", a)
	}
	if eb := ag.do("PUT", "/api/v1/my/agency", application(uscc, "改名", "王强", f.ID)).want(http.StatusConflict).errBody(); !hasHan(eb.Message) {
		t.Errorf("edit under review: %+v", eb)
	}

	// Nothing public yet.
	anon.do("GET", "/api/v1/agencies/"+id, nil).want(http.StatusNotFound)
	var dir listPage[directoryItemDTO]
	anon.do("GET", "/api/v1/agencies?item="+testItem, nil).want(http.StatusOK).decode(&dir)
	if dir.Total != 0 {
		t.Errorf("a pending agency is listed: %+v", dir)
	}

	// The regulator's queue, detail and the certificate.
	var q reviewQueueResponse
	reg.do("GET", "/api/v1/registry/review-queue", nil).want(http.StatusOK).decode(&q)
	if q.Counts.Applications != 1 || len(q.Items) != 1 || q.Items[0].ID != id || q.Items[0].Kind != "application" || q.StatusCounts["pending"] != 1 {
		t.Fatalf("queue %+v", q)
	}
	var detail agencyReviewResponse
	reg.do("GET", "/api/v1/registry/agencies/"+id, nil).want(http.StatusOK).decode(&detail)
	actions := map[string]bool{}
	for _, r := range detail.Audit {
		actions[r.Action] = true
		if r.Target != id {
			t.Errorf("audit record for another target: %+v", r)
		}
	}
	for _, want := range []string{"agency.apply", "agency.save", "agency.commitment", "agency.submit"} {
		if !actions[want] {
			t.Errorf("no %s in the audit trail %v", want, actions)
		}
	}
	if detail.Agency.Practitioners[0].IDMasked == "" || detail.Agency.Profile.Qualifications[0].FileID != f.ID {
		t.Errorf("the reviewer sees %+v", detail.Agency)
	}
	reg.do("GET", "/api/v1/files/"+f.ID, nil).want(http.StatusOK)

	// Approve: listed under the item.
	if eb := reg.do("POST", "/api/v1/registry/agencies/"+id+"/review", reviewRequest{Decision: "reject"}).want(http.StatusBadRequest).errBody(); !hasHan(eb.Fields["note"]) {
		t.Errorf("reject without a reason: %+v", eb)
	}
	reg.do("POST", "/api/v1/registry/agencies/"+id+"/review", reviewRequest{Decision: "approve"}).want(http.StatusOK).decode(&a)
	if a.Status != "active" || a.AdmittedAt == nil || len(a.Versions) != 1 {
		t.Fatalf("approved %+v", a)
	}
	anon.do("GET", "/api/v1/agencies?item="+strings.ToLower(testItem), nil).want(http.StatusOK).decode(&dir)
	if dir.Total != 1 || dir.Items[0].ID != id || len(dir.Items[0].Listings) != 1 || dir.Items[0].Listings[0].ItemName != "项目可行性研究报告编制" ||
		dir.Items[0].Listings[0].CommittedDays != 20 || dir.Items[0].Qualifications[0].ValidTo != "2099-02-28" {
		t.Fatalf("directory %+v", dir)
	}
	for _, query := range []string{"q=" + uscc[:8], "q=" + url.QueryEscape("陇原"), "stage=" + url.QueryEscape("立项"), "region=6201",
		"qual_type=" + url.QueryEscape("工程咨询单位乙级资信"), "sort=newest"} {
		anon.do("GET", "/api/v1/agencies?"+query, nil).want(http.StatusOK).decode(&dir)
		if dir.Total != 1 {
			t.Errorf("%s: %d agencies", query, dir.Total)
		}
	}
	for _, query := range []string{"q=" + url.QueryEscape("不存在"), "region=6202", "stage=" + url.QueryEscape("用地"), "item=NONE"} {
		anon.do("GET", "/api/v1/agencies?"+query, nil).want(http.StatusOK).decode(&dir)
		if dir.Total != 0 {
			t.Errorf("%s: %d agencies", query, dir.Total)
		}
	}
	for _, query := range []string{"stage=x", "sort=price", "grade=E", "page_size=101", "region=abc"} {
		anon.do("GET", "/api/v1/agencies?"+query, nil).want(http.StatusBadRequest)
	}
	var pub publicAgencyDTO
	r = anon.do("GET", "/api/v1/agencies/"+id, nil).want(http.StatusOK)
	r.decode(&pub)
	if pub.LegalRep != "王强" || len(pub.Qualifications) != 1 || !pub.Qualifications[0].Valid || len(pub.Listings) != 1 || len(pub.Practitioners) != 1 {
		t.Errorf("public profile %+v", pub)
	}
	for _, secret := range []string{"123X", "id_masked", "62010219800101", f.ID, "review_note"} {
		if strings.Contains(r.Body.String(), secret) {
			t.Errorf("the public profile holds %q: %s", secret, r.Body)
		}
	}

	// A key-field change after admission goes to review; the admitted
	// version stays public.
	ag.do("PUT", "/api/v1/my/agency", application(uscc, "甘肃陇原工程咨询有限公司", "王磊", f.ID)).want(http.StatusOK).decode(&a)
	if a.PendingChange == nil || a.PendingChange.LegalRep != "王磊" || a.Profile.LegalRep != "王强" {
		t.Fatalf("change %+v", a)
	}
	anon.do("GET", "/api/v1/agencies/"+id, nil).want(http.StatusOK).decode(&pub)
	if pub.LegalRep != "王强" {
		t.Errorf("the pending change is public: %+v", pub)
	}
	reg.do("GET", "/api/v1/registry/review-queue", nil).want(http.StatusOK).decode(&q)
	if q.Counts.Changes != 1 || q.Counts.Applications != 0 || q.Items[0].Kind != "change" {
		t.Errorf("queue %+v", q)
	}
	reg.do("GET", "/api/v1/registry/agencies/"+id, nil).want(http.StatusOK).decode(&detail)
	if len(detail.Diff) != 1 || detail.Diff[0].Field != "法定代表人" || detail.Diff[0].Old != "王强" || detail.Diff[0].New != "王磊" {
		t.Errorf("diff %+v", detail.Diff)
	}
	a = agencyDTO{}
	reg.do("POST", "/api/v1/registry/agencies/"+id+"/change-review", changeReviewRequest{Approve: true}).want(http.StatusOK).decode(&a)
	if a.PendingChange != nil || a.Profile.LegalRep != "王磊" || len(a.Versions) != 2 {
		t.Errorf("change approved %+v", a)
	}
	anon.do("GET", "/api/v1/agencies/"+id, nil).want(http.StatusOK).decode(&pub)
	if pub.LegalRep != "王磊" {
		t.Errorf("approved change not public: %+v", pub)
	}

	// Suspension takes the agency out of the directory; restoring brings it back.
	reg.do("POST", "/api/v1/registry/agencies/"+id+"/suspend", reasonRequest{}).want(http.StatusBadRequest)
	reg.do("POST", "/api/v1/registry/agencies/"+id+"/suspend", reasonRequest{Reason: "资质核查"}).want(http.StatusOK).decode(&a)
	if a.Status != "suspended" {
		t.Fatalf("suspended %+v", a)
	}
	anon.do("GET", "/api/v1/agencies?item="+testItem, nil).want(http.StatusOK).decode(&dir)
	if dir.Total != 0 {
		t.Error("a suspended agency is listed")
	}
	reg.do("GET", "/api/v1/agencies?status=suspended", nil).want(http.StatusOK).decode(&dir)
	if dir.Total != 1 || dir.Items[0].Status != "suspended" {
		t.Errorf("regulator's directory %+v", dir)
	}
	reg.do("POST", "/api/v1/registry/agencies/"+id+"/restore", reasonRequest{Reason: "核查完毕"}).want(http.StatusOK)
	anon.do("GET", "/api/v1/agencies?item="+testItem, nil).want(http.StatusOK).decode(&dir)
	if dir.Total != 1 {
		t.Error("a restored agency is not listed")
	}

	// Every decision is in the agency's trail.
	reg.do("GET", "/api/v1/registry/agencies/"+id, nil).want(http.StatusOK).decode(&detail)
	actions = map[string]bool{}
	for _, r := range detail.Audit {
		actions[r.Action] = true
	}
	for _, want := range []string{"agency.review", "agency.change_review", "agency.suspend", "agency.restore"} {
		if !actions[want] {
			t.Errorf("no %s in the audit trail %v", want, actions)
		}
	}

	// Withdrawal ends it.
	ag.do("POST", "/api/v1/my/agency/withdraw", nil).want(http.StatusOK).decode(&a)
	if a.Status != "withdrawn" {
		t.Errorf("withdrawn %+v", a)
	}
	anon.do("GET", "/api/v1/agencies/"+id, nil).want(http.StatusNotFound)
}

// TestAgencyPermissions: an agency reaches only its own application and
// files, and the public only admitted data.
func TestAgencyPermissions(t *testing.T) {
	e := newEnv(t)
	admin := e.loggedIn("admin1", auth.RoleAdmin)
	reg := e.loggedIn("reg1", auth.RoleRegulator)
	owner := e.loggedIn("owner1", auth.RoleOwner)
	anon := e.client()
	addItem(admin)

	a, idA := e.registerAgency("agency-a", "91620105MA73QW8N2", "甘肃甲咨询有限公司")
	b, idB := e.registerAgency("agency-b", "91620105MA74RX9P3", "甘肃乙咨询有限公司")
	applyAndSubmit(t, a, strings.TrimPrefix(idA, "agency:"), "甘肃甲咨询有限公司")
	var fileA agencyDTO
	a.do("GET", "/api/v1/my/agency", nil).want(http.StatusOK).decode(&fileA)
	fid := fileA.Profile.Qualifications[0].FileID

	// B has no application: editing it fails, and /my/agency is always B's own.
	b.do("PUT", "/api/v1/my/agency", application(strings.TrimPrefix(idB, "agency:"), "甘肃乙咨询有限公司", "李四", "")).want(http.StatusNotFound)
	b.do("POST", "/api/v1/my/agency", nil).want(http.StatusOK)
	var mine agencyDTO
	b.do("GET", "/api/v1/my/agency", nil).want(http.StatusOK).decode(&mine)
	if mine.ID != idB {
		t.Fatalf("B sees %s", mine.ID)
	}
	// B can neither read A's certificate nor attach it.
	b.do("GET", "/api/v1/files/"+fid, nil).want(http.StatusNotFound)
	owner.do("GET", "/api/v1/files/"+fid, nil).want(http.StatusNotFound)
	anon.do("GET", "/api/v1/files/"+fid, nil).want(http.StatusUnauthorized)
	eb := b.do("PUT", "/api/v1/my/agency", application(strings.TrimPrefix(idB, "agency:"), "甘肃乙咨询有限公司", "李四", fid)).
		want(http.StatusBadRequest).errBody()
	if !hasHan(eb.Fields["qualifications[0].file_id"]) {
		t.Errorf("attaching another agency's file: %+v", eb)
	}
	// B cannot use the reviewers' routes, nor see A's pending application.
	b.do("GET", "/api/v1/registry/agencies/"+idA, nil).want(http.StatusForbidden)
	b.do("POST", "/api/v1/registry/agencies/"+idB+"/review", reviewRequest{Decision: "approve"}).want(http.StatusForbidden)
	for _, c := range []*client{b, anon, owner} {
		c.do("GET", "/api/v1/agencies/"+idA, nil).want(http.StatusNotFound)
	}
	// Only supervisors widen the directory.
	anon.do("GET", "/api/v1/agencies?status=pending", nil).want(http.StatusForbidden)
	b.do("GET", "/api/v1/agencies?status=pending", nil).want(http.StatusForbidden)
	var dir listPage[directoryItemDTO]
	reg.do("GET", "/api/v1/agencies?status=pending", nil).want(http.StatusOK).decode(&dir)
	if dir.Total != 1 || dir.Items[0].ID != idA {
		t.Errorf("pending for the regulator: %+v", dir)
	}
	reg.do("GET", "/api/v1/agencies?status=bogus", nil).want(http.StatusBadRequest)
	// Owners and agencies cannot manage the catalog.
	for _, c := range []*client{b, owner} {
		c.do("POST", "/api/v1/service-items", serviceItemRequest{Code: "X-1"}).want(http.StatusForbidden)
	}
}

func TestOwnerProfile(t *testing.T) {
	e := newEnv(t)
	owner := e.loggedIn("owner1", auth.RoleOwner)
	var org orgDTO
	owner.do("GET", "/api/v1/my/org", nil).want(http.StatusOK).decode(&org)
	if org.Kind != "owner" || org.USCC == "" {
		t.Fatalf("org %+v", org)
	}
	eb := owner.do("PUT", "/api/v1/my/org", orgProfileRequest{Name: "", Region: "999999"}).want(http.StatusBadRequest).errBody()
	if !hasHan(eb.Fields["name"]) || !hasHan(eb.Fields["region"]) {
		t.Errorf("invalid profile: %+v", eb)
	}
	owner.do("PUT", "/api/v1/my/org", orgProfileRequest{Name: "兰州市城市建设投资有限公司", Region: "620102", Contact: "赵敏",
		Phone: "0931-6666666", Email: "zm@example.cn"}).want(http.StatusOK).decode(&org)
	if org.Name != "兰州市城市建设投资有限公司" || org.Contact != "赵敏" {
		t.Errorf("updated %+v", org)
	}
	owner.do("GET", "/api/v1/my/org", nil).want(http.StatusOK).decode(&org)
	if org.Email != "zm@example.cn" {
		t.Errorf("stored %+v", org)
	}
	e.loggedIn("agency1", auth.RoleAgency).do("PUT", "/api/v1/my/org", orgProfileRequest{Name: "x", Region: "620102"}).want(http.StatusForbidden)
}
