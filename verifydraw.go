package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/hall"
)

// publishedDraws is what GET /api/v1/projects/:id/verification returns:
// the values a project's opening record publishes.
type publishedDraws struct {
	ProjectID  string `json:"project_id"`
	Commitment string `json:"commitment"`
	Secret     string `json:"secret"`
	Draws      []struct {
		Purpose    string   `json:"purpose"`
		Candidates []string `json:"candidates"`
		Witness    string   `json:"witness"`
		Winners    []string `json:"winners"`
	} `json:"draws"`
}

// runVerifyDraw recomputes a draw from published values and says whether
// the published winner is right: exit 0 when it is, 1 when it is not.
func runVerifyDraw(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify-draw", flag.ContinueOnError)
	fs.SetOutput(stderr)
	secret := fs.String("secret", "", "公布的抽取密钥（64 位十六进制）")
	commitment := fs.String("commitment", "", "发布时公布的承诺值 SHA-256(密钥)")
	project := fs.String("project", "", "项目编号")
	candidates := fs.String("candidates", "", "候选名单，逗号分隔")
	witness := fs.String("witness", "", "见证人输入（无则留空）")
	winner := fs.String("winner", "", "公布的中选者（抽取多个时逗号分隔，按抽取顺序）")
	server := fs.String("url", "", "从平台读取公布的数值，如 https://zjcs.example.gov.cn（与 --project 一起使用）")
	if err := fs.Parse(args); err != nil {
		return exitCode(2)
	}
	var pub publishedDraws
	if *server != "" {
		if *project == "" {
			fmt.Fprintln(stderr, "使用 --url 时须同时给出 --project")
			return exitCode(2)
		}
		var err error
		if pub, err = fetchDraws(ctx, *server, *project); err != nil {
			return err
		}
	} else {
		if *secret == "" || *project == "" || *candidates == "" || *winner == "" {
			fmt.Fprintln(stderr, "请给出 --secret、--project、--candidates 和 --winner，或使用 --url 与 --project")
			return exitCode(2)
		}
		pub = publishedDraws{ProjectID: *project, Commitment: *commitment, Secret: *secret}
		pub.Draws = append(pub.Draws, struct {
			Purpose    string   `json:"purpose"`
			Candidates []string `json:"candidates"`
			Witness    string   `json:"witness"`
			Winners    []string `json:"winners"`
		}{"winner", splitList(*candidates), *witness, splitList(*winner)})
	}
	if len(pub.Draws) == 0 {
		fmt.Fprintln(stdout, "该项目没有抽取记录")
		return exitCode(1)
	}
	allOK := true
	for _, d := range pub.Draws {
		ok, msg := hall.VerifyDraw(pub.Secret, pub.Commitment, hall.Draw{Purpose: d.Purpose, ProjectID: pub.ProjectID,
			Candidates: d.Candidates, Witness: d.Witness, Winners: d.Winners})
		mark := "✓"
		if !ok {
			mark, allOK = "✗", false
		}
		fmt.Fprintf(stdout, "%s 项目 %s 抽取（%s）：候选 %d 个，公布结果 %s —— %s\n", mark, pub.ProjectID, d.Purpose,
			len(d.Candidates), strings.Join(d.Winners, "、"), msg)
	}
	if !allOK {
		return exitCode(1)
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func fetchDraws(ctx context.Context, server, project string) (publishedDraws, error) {
	var pub publishedDraws
	u := strings.TrimRight(server, "/") + "/api/v1/projects/" + url.PathEscape(project) + "/verification"
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return pub, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return pub, fmt.Errorf("读取 %s：%w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return pub, fmt.Errorf("读取 %s：HTTP %d", u, resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&pub); err != nil {
		return pub, fmt.Errorf("解析 %s：%w", u, err)
	}
	return pub, nil
}
