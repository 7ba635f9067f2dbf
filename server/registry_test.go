package server

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
)

// samplePDF is a small but complete PDF: one empty A4 page.
var samplePDF = []byte("%PDF-1.4\n" +
	"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
	"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n" +
	"trailer << /Root 1 0 R >>\n%%EOF\n")

// upload posts a multipart form with one file and text fields.
func (c *client) upload(path, field, name string, data []byte, fields map[string]string) resp {
	c.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			c.e.t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		c.e.t.Fatal(err)
	}
	_, _ = fw.Write(data)
	if err := mw.Close(); err != nil {
		c.e.t.Fatal(err)
	}
	old := c.header
	c.header = http.Header{"Content-Type": {mw.FormDataContentType()}}
	defer func() { c.header = old }()
	return c.do("POST", path, buf.Bytes())
}

// loggedIn creates an account of a role and logs a client in with it.
func (e *env) loggedIn(login string, role auth.Role) *client {
	e.t.Helper()
	e.account(login, role)
	c := e.client()
	c.login(login, testPassword)
	return c
}

// registerAgency registers an agency organisation through the API and
// returns its logged-in client and organisation ID.
func (e *env) registerAgency(login, usccHead, name string) (*client, string) {
	e.t.Helper()
	c := e.client()
	var acct accountResponse
	c.do("POST", "/api/v1/auth/register", registerRequest{Kind: "agency", OrgName: name, USCC: validUSCC(e.t, usccHead),
		Region: "620105", Contact: "张伟", Phone: "0931-8888888", Email: login + "@example.cn", Login: login, Name: "张伟",
		Password: testPassword}).want(http.StatusOK).decode(&acct)
	c.login(login, testPassword)
	return c, acct.Org.ID
}

const testItem = "LX-901"

// addItem creates the service item the tests list agencies under.
func addItem(admin *client) {
	admin.do("POST", "/api/v1/service-items", serviceItemRequest{Code: testItem, Name: "项目可行性研究报告编制", Category: "工程咨询",
		Stage: "立项", Qualifications: []string{"工程咨询单位乙级资信"}, QualMode: "any", FeeBasis: "市场调节", TimeLimitDays: 30}).
		want(http.StatusOK)
}

// application is a complete application with one qualification (scanned
// certificate fileID) and one listing of testItem.
func application(uscc, name, legalRep, fileID string) applicationRequest {
	return applicationRequest{USCC: uscc, Name: name, LegalRep: legalRep, Region: "620105", Address: "兰州市安宁区北滨河西路 1 号",
		Contact: "张伟", Phone: "0931-8888888",
		Qualifications: []qualificationInput{{Type: "工程咨询单位乙级资信", Level: "乙级", CertNo: "乙212062010123", Issuer: "甘肃省工程咨询协会",
			ValidFrom: "2024-03-01", ValidTo: "2099-02-28", FileID: fileID}},
		Practitioners: []practitionerInput{{Name: "李明", Certificate: "注册咨询工程师（投资）0123456", IDNumber: "62010219800101123X"}},
		Listings:      []listingInput{{ItemCode: strings.ToLower(testItem), CommittedDays: 20, FeeNote: "按合同约定"}}}
}

// applyAndSubmit takes a registered agency through its side of admission.
func applyAndSubmit(t *testing.T, c *client, uscc, name string) agencyDTO {
	t.Helper()
	c.do("POST", "/api/v1/my/agency", nil).want(http.StatusOK)
	var f fileDTO
	c.upload("/api/v1/files", "file", "资质证书.pdf", samplePDF, map[string]string{"purpose": "qualification"}).want(http.StatusOK).decode(&f)
	c.do("PUT", "/api/v1/my/agency", application(uscc, name, "王强", f.ID)).want(http.StatusOK)
	c.do("POST", "/api/v1/my/agency/commitment", nil).want(http.StatusOK)
	var a agencyDTO
	c.do("POST", "/api/v1/my/agency/submit", nil).want(http.StatusOK).decode(&a)
	return a
}
