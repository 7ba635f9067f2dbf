package audit

// ActionLabel is the Chinese name of an audit action, or the action itself
// when it has none (for instance "POST /path" of an undeclared one).
func ActionLabel(action string) string {
	if l, ok := actionLabels[action]; ok {
		return l
	}
	return action
}

// actionLabels name every action the routes declare.
var actionLabels = map[string]string{
	"user.login": "登录", "user.logout": "退出", "user.register": "注册", "user.password": "修改密码",
	"user.disable": "停用账号", "user.enable": "启用账号", "regulator.create": "创建监管账号",
	"user.oidc_link": "关联统一身份认证并登录", "user.oidc_register": "经统一身份认证新建单位账号", "user.oidc_unlink": "解除统一身份认证关联",
	"token.create": "创建 API 令牌", "token.revoke": "撤销 API 令牌", "org.update": "修改单位信息", "file.upload": "上传文件",
	"catalog.create": "新增服务事项", "catalog.update": "修改服务事项", "catalog.enable": "启用服务事项",
	"catalog.disable": "停用服务事项", "catalog.import": "导入服务事项", "service_item.save": "保存服务事项",
	"service_item.update": "修改服务事项", "service_item.import": "导入服务事项", "calendar.import": "导入节假日安排",
	"agency.apply": "发起入驻申请", "agency.save": "保存入驻资料", "agency.commit": "签署入驻承诺书",
	"agency.commitment": "签署入驻承诺书", "agency.submit": "提交入驻申请", "agency.withdraw": "退出平台",
	"agency.review": "审核入驻申请", "agency.change_review": "审核资料变更", "agency.suspend": "暂停机构",
	"agency.restore": "恢复机构", "agency.import": "迁移导入中介机构", "agency.open_account": "为迁移机构开通账号",
	"project.create": "创建项目", "project.update": "修改项目", "project.publish": "发布项目", "project.cancel": "终止项目",
	"project.republish": "重新发布流标项目", "project.review": "审核公告", "project.announcement_review": "审核公告",
	"project.signup": "报名", "project.quote": "提交密封报价", "project.quote_withdraw": "撤回报价",
	"quote.submit": "提交密封报价", "quote.withdraw": "撤回报价", "project.score": "评审打分",
	"project.criteria_scores": "评审打分", "project.object": "提出质疑", "project.objection_decide": "处理质疑",
	"project.objection_decision": "处理质疑", "project.abandon": "放弃中选", "project.contract": "签订合同",
	"project.extend": "延长服务时限", "project.pause": "中止计时", "project.resume": "恢复计时",
	"project.deliver": "提交服务成果", "project.delivery_decide": "验收服务成果", "project.delivery_decision": "验收服务成果",
	"project.evaluate": "服务评价", "project.respond": "回复评价",
	"complaint.file": "提交投诉", "complaint.move": "处理投诉", "complaint.respond": "回应投诉", "complaint.withdraw": "撤回投诉",
	"sanction.issue": "作出处理", "sanction.lift": "信用修复", "credit.decision": "记录表扬或失信行为",
	"credit.appeal": "评分申诉", "credit.appeal_decision": "处理评分申诉", "credit.rule_update": "修改评分规则",
	"alert.ack": "处理预警", "inspection.create": "制定抽查计划", "inspection.draw": "抽取检查对象",
	"inspection.result": "登记检查结果", "job.run": "手动运行任务",
	// Reports: Excel exports (recorded by the GET handlers themselves).
	"export.projects": "导出选取项目与结果", "export.scores": "导出信用评分", "export.complaints": "导出投诉办理情况",
	"export.alerts": "导出电子监察预警", "export.sanctions": "导出处理记录", "export.audit": "导出审计日志",
	"export.download": "下载导出文件", "report.monthly": "导出月度运行报告",
	// 消息中心 and webhooks.
	"notification.read": "标记消息已读", "notification.preferences": "修改通知设置",
	"webhook.create": "登记 Webhook 订阅", "webhook.update": "修改 Webhook 订阅", "webhook.delete": "删除 Webhook 订阅",
	"webhook.replay": "重新推送 Webhook", "webhook.token": "更换 Webhook 订阅访问令牌",
	// Refused attempts, recorded by web around every route.
	"access.denied": "越权尝试被拒绝",
}
