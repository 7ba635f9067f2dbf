package demo

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/agencyhall/agencyhall/registry"
)

// service-items.csv is the public sample of ../shared/data (real items from
// published municipal and provincial lists, with sources); extra-items.csv
// adds common items the sample lacks, each citing the law it rests on.
var (
	//go:embed service-items.csv
	sampleItemsCSV []byte
	//go:embed extra-items.csv
	extraItemsCSV []byte
)

// stageCodes give item codes a readable stage prefix.
var stageCodes = map[registry.Stage]string{
	registry.StageInitiation: "LX", registry.StageLandUse: "YD", registry.StagePlanning: "GH",
	registry.StageConstruction: "SG", registry.StageCompletion: "JG",
}

// qualificationRules map words of an item's name to the qualification type
// agencies must hold, its category and its usual time limit.
var qualificationRules = []struct {
	keyword, qual, category string
	days                    int
	fee                     registry.FeeBasis
}{
	{"防雷", "雷电防护装置检测资质", "检测检验", 15, registry.FeeGovernment},
	{"雷电", "雷电防护装置检测资质", "评估评价", 20, registry.FeeMarket},
	{"环境影响", "环境影响评价能力", "评估评价", 30, registry.FeeMarket},
	{"地质灾害", "地质灾害危险性评估资质", "评估评价", 30, registry.FeeMarket},
	{"测绘", "测绘资质", "测绘", 20, registry.FeeMarket},
	{"测量", "测绘资质", "测绘", 15, registry.FeeMarket},
	{"地形图", "测绘资质", "测绘", 15, registry.FeeMarket},
	{"勘察", "工程勘察资质", "勘察设计", 30, registry.FeeMarket},
	{"设计", "工程设计资质", "勘察设计", 30, registry.FeeMarket},
	{"规划", "城乡规划编制资质", "规划咨询", 30, registry.FeeMarket},
	{"选址", "城乡规划编制资质", "规划咨询", 30, registry.FeeMarket},
	{"节能", "工程咨询单位备案", "咨询", 20, registry.FeeMarket},
	{"可行性", "工程咨询单位备案", "咨询", 30, registry.FeeMarket},
	{"项目申请", "工程咨询单位备案", "咨询", 20, registry.FeeMarket},
	{"概算", "工程咨询单位备案", "咨询", 20, registry.FeeMarket},
	{"造价", "工程造价咨询企业", "咨询", 20, registry.FeeMarket},
	{"招标", "招标代理机构登记", "代理", 30, registry.FeeMarket},
	{"监理", "工程监理资质", "工程监理", 60, registry.FeeMarket},
	{"职业病", "职业卫生技术服务资质", "评估评价", 30, registry.FeeMarket},
	{"消防", "消防技术服务机构", "检测检验", 15, registry.FeeMarket},
	{"安全", "安全评价资质", "评估评价", 30, registry.FeeMarket},
	{"水土保持", "水土保持方案编制能力", "评估评价", 30, registry.FeeMarket},
	{"检测", "检验检测机构资质认定", "检测检验", 15, registry.FeeMarket},
	{"矿产", "矿产资源储量评审资格", "评估评价", 30, registry.FeeMarket},
	{"抗震", "建设工程质量检测资质", "检测检验", 20, registry.FeeMarket},
	{"通航", "水运工程咨询能力", "评估评价", 30, registry.FeeMarket},
	{"公路", "公路工程咨询能力", "评估评价", 20, registry.FeeMarket},
}

// catalogItems turns the embedded lists into catalog items. Rows without a
// stage are left out: the catalog files every item under one.
func catalogItems() ([]registry.ServiceItem, error) {
	var items []registry.ServiceItem
	seq := map[registry.Stage]int{}
	for _, src := range [][]byte{sampleItemsCSV, extraItemsCSV} {
		rows, err := csv.NewReader(bytes.NewReader(src)).ReadAll()
		if err != nil {
			return nil, fmt.Errorf("read demo catalog: %w", err)
		}
		for _, r := range rows[1:] {
			name, matter, dept, basis, qual, source, stage := r[0], r[1], r[2], r[3], r[4], r[5], registry.Stage(r[6])
			if !registry.ValidStage(stage) {
				continue
			}
			seq[stage]++
			it := registry.ServiceItem{
				Code: fmt.Sprintf("ZJ-%s-%03d", stageCodes[stage], seq[stage]), Name: name, Stage: stage,
				ApprovalMatter: matter, Department: orDefault(dept, "市政务服务中心"), LegalBasis: basis,
				QualMode: registry.QualAnyOf, FeeBasis: registry.FeeMarket, TimeLimitDays: 20, Enabled: true,
				Source: source, Category: "咨询",
			}
			for _, rule := range qualificationRules {
				if strings.Contains(name, rule.keyword) {
					it.Qualifications = []string{rule.qual}
					it.Category, it.TimeLimitDays, it.FeeBasis = rule.category, rule.days, rule.fee
					break
				}
			}
			if it.Qualifications == nil && qual != "" {
				it.Qualifications = []string{"相应能力的机构"}
			}
			items = append(items, it)
		}
	}
	return items, nil
}

func orDefault(s, d string) string {
	if strings.TrimSpace(s) == "" {
		return d
	}
	return s
}
