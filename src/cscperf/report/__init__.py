"""The committee performance report: summary, narrative, charts and data, as Word, PDF, HTML and Excel."""
