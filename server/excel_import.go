package server

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/web"
)

// What the Excel imports (service catalog, holiday calendar) and their
// template and export downloads share.

// readImport reads an import request: ?format (json, the default, or xlsx:
// answer with the error workbook when there are bad rows) and the workbook
// uploaded in the file field, parsed by read (excel.ReadCatalog,
// excel.ReadHolidays). ok is false when the answer (a failure) has been
// sent.
func readImport[R any](c *gin.Context, read func(io.Reader) ([]R, error)) (name string, rows []R, xlsx, ok bool) {
	format := c.Query("format")
	if format != "" && format != "json" && format != "xlsx" {
		web.Fail(c, apperr.Invalid().Field("format", "format 应为 json 或 xlsx"))
		return "", nil, false, false
	}
	up, err := readUpload(c, "file")
	if err != nil {
		web.Fail(c, err)
		return "", nil, false, false
	}
	if len(up.data) == 0 {
		web.Fail(c, apperr.Invalid().Field("file", "文件为空，请选择要导入的 Excel 文件"))
		return "", nil, false, false
	}
	rows, err = read(bytes.NewReader(up.data))
	if err != nil {
		web.Fail(c, err)
		return "", nil, false, false
	}
	return up.name, rows, format == "xlsx", true
}

// importErrorBook writes an import's error workbook when want is set
// (?format=xlsx and bad rows), before anything is imported so that a
// failure here changes nothing; what names it in an error. ok is false when
// the answer (a failure) has been sent.
func importErrorBook(c *gin.Context, want bool, what string, write func(io.Writer) error) (book []byte, ok bool) {
	if !want {
		return nil, true
	}
	book, err := workbookBytes(what, write)
	if err != nil {
		web.Fail(c, err)
		return nil, false
	}
	return book, true
}

// answerImport answers an import: with out in JSON, or when there is an
// error workbook with that workbook as name and the counts as headers.
func answerImport(c *gin.Context, out any, book []byte, name string, counts map[string]string) {
	if len(book) == 0 {
		c.JSON(http.StatusOK, out)
		return
	}
	for k, v := range counts {
		c.Header(k, v)
	}
	setDownload(c, xlsxType, "attachment", name)
	c.Data(http.StatusOK, xlsxType, book)
}

// workbookBytes writes a workbook in memory; what names it in an error.
func workbookBytes(what string, write func(io.Writer) error) ([]byte, error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return buf.Bytes(), nil
}

// sendWorkbookBytes answers with a workbook written in memory first (a
// template, a small export), so a failure is still an error response; what
// names it in the error.
func sendWorkbookBytes(c *gin.Context, name, what string, write func(io.Writer) error) {
	data, err := workbookBytes(what, write)
	if err != nil {
		web.Fail(c, err)
		return
	}
	setDownload(c, xlsxType, "attachment", name)
	c.Data(http.StatusOK, xlsxType, data)
}
