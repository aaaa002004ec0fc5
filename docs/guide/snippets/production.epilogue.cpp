}  // namespace production_SNIPPET_NAME
