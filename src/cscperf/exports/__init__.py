"""Files people open in a spreadsheet, written safely: every CSV and Excel file cscperf writes goes through
`csv_file` or `xlsx_file`, which make each text cell inert (`cells`) and write the file whole or not at all
(`files`)."""
