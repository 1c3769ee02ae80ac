def on_env(env, config, files):
    env.add_extension('jinja2.ext.do')