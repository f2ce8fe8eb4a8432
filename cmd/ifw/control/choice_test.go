package control

import (
	"testing"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
)

// TestChoiceAnswer: each button of a question bubble gives its answer;
// Reject refuses this connection loudly, Deny always makes a lasting deny
// rule.
func TestChoiceAnswer(t *testing.T) {
	want := map[string]verdict.Answer{
		notify.ActionAllowOnce:   {By: 1000, Action: rules.Allow, Lifetime: rules.Once},
		notify.ActionAllowAlways: {By: 1000, Action: rules.Allow, Lifetime: rules.Permanent},
		notify.ActionDeny:        {By: 1000, Action: rules.Deny, Lifetime: rules.Once},
		notify.ActionDenyAlways:  {By: 1000, Action: rules.Deny, Lifetime: rules.Permanent},
		notify.ActionReject:      {By: 1000, Action: rules.Reject, Lifetime: rules.Once},
	}
	for _, action := range notify.QuestionActions() {
		got, err := choiceAnswer(action, 1000)
		if err != nil || got != want[action] {
			t.Errorf("%s: %+v, %v; want %+v", action, got, err, want[action])
		}
	}
	if _, err := choiceAnswer(notify.ActionBlock, 1000); err == nil {
		t.Error("block answered a question")
	}
}
