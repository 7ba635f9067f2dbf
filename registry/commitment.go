package registry

// CommitmentVersion names the current text of the commitment letter; an
// acceptance records which text was accepted.
const CommitmentVersion = "2026-01"

// CommitmentText is the commitment letter (承诺书) every agency accepts
// before its application is reviewed.
const CommitmentText = `中介服务机构入驻承诺书

本机构自愿入驻网上中介服务超市，郑重承诺：
一、所提交的营业执照、资质证书、从业人员等全部材料真实、准确、完整、有效，如有变更及时更新；
二、严格遵守法律法规和行业规范，按照承诺的服务时限和收费标准提供服务，不超时限、不乱收费；
三、公平参与项目选取，不串通报价、不围标串标、不以不正当手段谋取业务；
四、不转包、不挂靠，不出具虚假报告，对出具的成果文件承担法律责任；
五、自觉接受监管部门和社会公众的监督，配合投诉调查，如实反映情况；
六、如违反上述承诺，愿意承担相应法律责任，接受警告、暂停、列入黑名单等处理，并同意在平台公开。`
