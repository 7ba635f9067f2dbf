package demo

import (
	"bytes"
	"context"
	"fmt"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/registry"
)

// gansuRegions are districts and cities of Gansu where demo agencies sit.
var gansuRegions = []string{
	"620102", "620103", "620104", "620105", "620111", "620121", "620122", "620123", // 兰州
	"620402", "620502", "620702", "620902", "620802", "621102", // 白银, 天水, 张掖, 酒泉, 平凉, 定西
}

var (
	tradeNames = []string{"陇原", "金城", "黄河", "丝路", "祁连", "敦煌", "兴陇", "河西", "陇东", "西部", "皋兰", "五泉", "白塔", "安宁"}
	// Each line of business holds certain qualification types (the ones the
	// demo catalog requires) and is named after them.
	businesses = []struct {
		suffix string
		quals  []string
		level  string
		issuer string
	}{
		{"工程咨询有限公司", []string{"工程咨询单位备案", "工程造价咨询企业"}, "甲级", "甘肃省发展和改革委员会"},
		{"环境科技有限公司", []string{"环境影响评价能力", "水土保持方案编制能力"}, "", "甘肃省生态环境厅"},
		{"测绘地理信息有限公司", []string{"测绘资质"}, "乙级", "甘肃省自然资源厅"},
		{"防雷技术有限公司", []string{"雷电防护装置检测资质"}, "乙级", "甘肃省气象局"},
		{"安全技术服务有限公司", []string{"安全评价资质", "职业卫生技术服务资质"}, "乙级", "甘肃省应急管理厅"},
		{"地质勘查有限公司", []string{"地质灾害危险性评估资质", "工程勘察资质"}, "甲级", "甘肃省自然资源厅"},
		{"规划设计研究院有限公司", []string{"城乡规划编制资质", "工程设计资质"}, "乙级", "甘肃省住房和城乡建设厅"},
		{"建设工程检测有限公司", []string{"检验检测机构资质认定", "建设工程质量检测资质", "消防技术服务机构"}, "", "甘肃省市场监督管理局"},
		{"招标代理有限公司", []string{"招标代理机构登记", "工程监理资质"}, "", "甘肃省公共资源交易中心"},
	}
)

// demoCertificate is a small but valid PDF standing in for a scanned
// certificate in the demo.
func demoCertificate(title string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := []int{}
	obj := func(s string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), s)
	}
	stream := fmt.Sprintf("BT /F1 18 Tf 72 720 Td (%s) Tj ET", title)
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>")
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

// demoAgency describes one seeded agency.
type demoAgency struct {
	login  string
	org    auth.Org
	input  registry.ApplicationInput
	status registry.AgencyStatus // where the seed leaves it
}

// agencyPlan builds about 40 agencies deterministically. Validity dates are
// relative to today so that some qualifications are about to expire (15,
// 30 and 60-day warnings) and one has expired.
func agencyPlan(items []registry.ServiceItem, today registry.Date) []demoAgency {
	var plan []demoAgency
	for i := 0; i < 42; i++ {
		biz := businesses[i%len(businesses)]
		name := "甘肃" + tradeNames[i%len(tradeNames)] + biz.suffix
		if i >= len(tradeNames) {
			name = "甘肃" + tradeNames[i%len(tradeNames)] + []string{"华信", "中衡", "正源"}[i/len(tradeNames)-1] + biz.suffix
		}
		region := gansuRegions[i%len(gansuRegions)]
		uscc := usccFor("91"+region, fmt.Sprintf("MA7%02dQ%03d", i, 100+i*7))
		login := fmt.Sprintf("agency%02d", i+1)
		if i == 0 {
			// The printed demo agency account, registered in demo.go.
			login, uscc, name, region = "agency", demoAccounts()[1].org.USCC, demoAccounts()[1].org.Name, demoAccounts()[1].org.Region
		}
		org := auth.Org{ID: auth.OrgID(auth.OrgAgency, uscc), Kind: auth.OrgAgency, Name: name, USCC: uscc, Region: region,
			Contact: contactName(i), Phone: fmt.Sprintf("0931-87%05d", 1000+i*37)}
		in := registry.ApplicationInput{Profile: registry.Profile{USCC: uscc, Name: name, LegalRep: legalRep(i), Region: region,
			Address: fmt.Sprintf("甘肃省%s%d号", addressStreet(i), 10+i), Contact: org.Contact, Phone: org.Phone}}
		start := registry.DateOf(today.Start().AddDate(-2, 0, -i))
		for qi, typ := range biz.quals {
			end := registry.DateOf(today.Start().AddDate(3, i%12, 0))
			switch {
			case i == 3 && qi == 0:
				end = registry.DateOf(today.Start().AddDate(0, 0, 12)) // 15-day warning
			case i == 7 && qi == 0:
				end = registry.DateOf(today.Start().AddDate(0, 0, 28)) // 30-day warning
			case i == 11 && qi == 0:
				end = registry.DateOf(today.Start().AddDate(0, 0, 55)) // 60-day warning
			case i == 15 && qi == 0:
				end = registry.DateOf(today.Start().AddDate(0, 0, -3)) // expired three days ago
			}
			in.Profile.Qualifications = append(in.Profile.Qualifications, registry.Qualification{Type: typ, Level: biz.level,
				CertNo: fmt.Sprintf("GS-%s-%04d-%d", region[2:4], 2000+i, qi+1), Issuer: biz.issuer, ValidFrom: start, ValidTo: end})
		}
		held := map[string]bool{}
		for _, t := range biz.quals {
			held[t] = true
		}
		for _, it := range items {
			if len(it.Qualifications) > 0 && held[it.Qualifications[0]] && len(in.Listings) < 8 {
				in.Listings = append(in.Listings, registry.Listing{ItemCode: it.Code, CommittedDays: max(1, it.TimeLimitDays*(70+i%30)/100),
					FeeNote: []string{"按市场价协商，不高于行业指导价", "按政府定价标准收费", "按项目规模分档报价"}[i%3]})
			}
		}
		in.Practitioners = []registry.PractitionerInput{
			{Name: legalRep(i + 5), Certificate: "注册工程师 GS" + fmt.Sprint(10000+i), IDNumber: fmt.Sprintf("6201021980%02d%02d%04d", 1+i%12, 1+i%28, 1000+i)},
			{Name: contactName(i + 3), Certificate: "高级工程师", IDNumber: fmt.Sprintf("6201031985%02d%02d%04d", 1+i%12, 1+i%28, 2000+i)},
		}
		status := registry.StatusActive
		switch i {
		case 40:
			status = registry.StatusPending // waiting in the review queue
		case 41:
			status = registry.StatusDraft // still filling in
		}
		plan = append(plan, demoAgency{login: login, org: org, input: in, status: status})
	}
	return plan
}

func legalRep(i int) string {
	return []string{"张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴霞", "徐鹏", "孙丽", "马俊", "朱红"}[i%14]
}

func contactName(i int) string {
	return []string{"何平", "高洁", "林涛", "郭燕", "罗斌", "梁晨", "宋佳", "郑凯", "谢婷", "韩冰", "唐亮"}[i%11]
}

func addressStreet(i int) string {
	return []string{"兰州市城关区庆阳路", "兰州市七里河区西津西路", "兰州市安宁区北滨河西路", "兰州市西固区福利路", "天水市秦州区民主西路", "白银市白银区人民路"}[i%6]
}

// seedAgencies takes each planned agency through the real admission flow.
func seedAgencies(ctx context.Context, d Deps, items []registry.ServiceItem) error {
	today := registry.DateOf(d.Now())
	regulator := registry.Actor{UserID: "reg-zwfw", OrgID: "regulator:reg-zwfw", Kind: registry.ActorRegulator}
	for _, p := range agencyPlan(items, today) {
		if _, err := d.Auth.EnsureAccount(ctx, p.org, auth.User{ID: p.login, Name: p.org.Contact, Role: auth.RoleAgency, Phone: p.org.Phone}, DemoPassword); err != nil {
			return fmt.Errorf("agency account %s: %w", p.login, err)
		}
		who := registry.Actor{UserID: p.login, OrgID: p.org.ID, Kind: registry.ActorAgency}
		existing, err := d.Registry.Get(ctx, regulator, p.org.ID)
		if err == nil && existing.Status != registry.StatusDraft {
			continue // seeded before
		}
		if err != nil && !apperr.Is(err, apperr.KindNotFound) {
			return err
		}
		if _, err := d.Registry.StartApplication(ctx, who, p.input.Profile); err != nil {
			return err
		}
		for qi := range p.input.Profile.Qualifications {
			q := &p.input.Profile.Qualifications[qi]
			m, err := d.Files.Upload(ctx, p.org.ID, p.login, "qualification", q.Type+"证书.pdf",
				bytes.NewReader(demoCertificate("Certificate "+q.CertNo)))
			if err != nil {
				return fmt.Errorf("certificate of %s: %w", p.org.Name, err)
			}
			q.FileID = m.ID
		}
		if _, err := d.Registry.SaveApplication(ctx, who, p.org.ID, p.input); err != nil {
			return fmt.Errorf("application of %s: %w", p.org.Name, err)
		}
		if p.status == registry.StatusDraft {
			continue
		}
		if _, err := d.Registry.AcceptCommitment(ctx, who, p.org.ID); err != nil {
			return err
		}
		if _, err := d.Registry.Submit(ctx, who, p.org.ID); err != nil {
			return fmt.Errorf("submit %s: %w", p.org.Name, err)
		}
		if p.status == registry.StatusPending {
			continue
		}
		if _, err := d.Registry.Review(ctx, regulator, p.org.ID, registry.MoveApprove, ""); err != nil {
			return fmt.Errorf("admit %s: %w", p.org.Name, err)
		}
	}
	return nil
}
