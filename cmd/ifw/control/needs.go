package control

import (
	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
)

// What a request whose route says actByHandler needs. Each stronger
// action covers the weaker one for its scope, so a request needs
// actAnswerOwn only when it needs nothing stronger: a user who may make
// lasting rules need not also be allowed quick answers.

// lasting says whether a rule of lifetime l outlives the session: it is
// saved in the rules file.
func lasting(l rules.Lifetime) bool { return l == rules.Permanent || l == rules.Timed }

// answerNeeds: answering question q (once, for the session, or with a
// lasting rule) as peer uid. A rule scoped wider than the question's
// destination and port is a broad rule (see broadRule), even for the
// session.
func answerNeeds(uid uint32, q verdict.Question, l rules.Lifetime, scope verdict.Scope) []string {
	var need []string
	if q.UID != uid {
		need = append(need, actOtherUser)
	}
	if lasting(l) || l != rules.Once && scope.Wide() {
		need = append(need, actRulesPermanent)
	}
	return orAnswerOwn(need)
}

// ruleNeeds: adding or deleting rule r as peer uid. A rule for every user
// (no user=) is about the other users too; a broad one covers more than
// any answer would: every program, unknown programs, or every
// destination.
func ruleNeeds(uid uint32, r rules.Rule) []string {
	var need []string
	if r.User == "" || r.UID != uid {
		need = append(need, actOtherUser)
	}
	if lasting(r.Lifetime) || broadRule(r) {
		need = append(need, actRulesPermanent)
	}
	return orAnswerOwn(need)
}

// broadRule says whether r is wider than an answer to one question: it
// names no program (exe=any), only unknown ones, or no destination.
func broadRule(r rules.Rule) bool {
	noProgram := r.Exe == "" && r.SHA256 == ""
	noDst := (!r.Dst.IsValid() || r.Dst.Bits() == 0) && r.Host == ""
	return noProgram || r.Exe == rules.UnknownExe || noDst
}

// choiceNeeds: a click on the peer's own bubble (the hub checks that the
// bubble was shown to the peer).
func choiceNeeds(choice string) []string {
	switch choice {
	case notify.ActionAllowOnce, notify.ActionDeny, notify.ActionReject:
		return []string{actAnswerOwn}
	case notify.ActionAllowAlways, notify.ActionDenyAlways:
		return []string{actRulesPermanent}
	case notify.ActionBlock, notify.ActionUnblock, notify.ActionWhitelist:
		return []string{actBlock}
	case notify.ActionIgnore:
		return nil
	}
	return []string{actManage} // unknown: the hub refuses it anyway
}

func orAnswerOwn(need []string) []string {
	if len(need) == 0 {
		return []string{actAnswerOwn}
	}
	return need
}
