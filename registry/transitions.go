package registry

import "github.com/agencyhall/agencyhall/apperr"

// Move is an action that changes an agency's status.
type Move string

const (
	MoveSubmit    Move = "submit"    // agency submits its application
	MoveApprove   Move = "approve"   // regulator admits it
	MoveReject    Move = "reject"    // regulator refuses it, with a reason
	MoveReturn    Move = "return"    // regulator returns it for changes, with comments
	MoveSuspend   Move = "suspend"   // regulator suspends it, with a reason
	MoveRestore   Move = "restore"   // regulator lifts a suspension (or a blacklisting, by credit repair)
	MoveWithdraw  Move = "withdraw"  // agency leaves the platform
	MoveBlacklist Move = "blacklist" // supervision puts it on the blacklist
)

// transitions lists every allowed move: from status, by move, to status.
// Anything not listed is refused.
var transitions = map[AgencyStatus]map[Move]AgencyStatus{
	StatusDraft:       {MoveSubmit: StatusPending, MoveWithdraw: StatusWithdrawn},
	StatusPending:     {MoveApprove: StatusActive, MoveReject: StatusRejected, MoveReturn: StatusDraft, MoveWithdraw: StatusWithdrawn},
	StatusRejected:    {MoveSubmit: StatusPending, MoveWithdraw: StatusWithdrawn},
	StatusActive:      {MoveSuspend: StatusSuspended, MoveWithdraw: StatusWithdrawn, MoveBlacklist: StatusBlacklisted},
	StatusSuspended:   {MoveRestore: StatusActive, MoveWithdraw: StatusWithdrawn, MoveBlacklist: StatusBlacklisted},
	StatusBlacklisted: {MoveRestore: StatusActive},
	StatusWithdrawn:   {},
}

// NextStatus applies a move, or explains in Chinese why it is not allowed.
func NextStatus(from AgencyStatus, m Move) (AgencyStatus, error) {
	to, ok := transitions[from][m]
	if !ok {
		return from, apperr.Conflict("bad_transition", "当前状态为“"+from.Label()+"”，不能"+m.Label())
	}
	return to, nil
}

// Label is the Chinese name of the move.
func (m Move) Label() string {
	switch m {
	case MoveSubmit:
		return "提交审核"
	case MoveApprove:
		return "审核通过"
	case MoveReject:
		return "驳回申请"
	case MoveReturn:
		return "退回修改"
	case MoveSuspend:
		return "暂停"
	case MoveRestore:
		return "恢复"
	case MoveWithdraw:
		return "退出平台"
	case MoveBlacklist:
		return "列入黑名单"
	}
	return string(m)
}

// AllStatuses lists every status, for tests and filters.
var AllStatuses = []AgencyStatus{StatusDraft, StatusPending, StatusActive, StatusSuspended, StatusRejected, StatusWithdrawn, StatusBlacklisted}

// AllMoves lists every move.
var AllMoves = []Move{MoveSubmit, MoveApprove, MoveReject, MoveReturn, MoveSuspend, MoveRestore, MoveWithdraw, MoveBlacklist}
