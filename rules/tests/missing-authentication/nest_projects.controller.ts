import { Controller, Get, Param, Post, Body, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ProjectsService } from './projects.service';

@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @UseGuards(AuthGuard('jwt'))
  @Get() // ok: missing-authentication
  list() {
    return this.projects.list();
  }

  @UseGuards(AuthGuard('jwt'))
  @Post() // ok: missing-authentication
  create(@Body() body: { name: string }) {
    return this.projects.create(body.name);
  }

  @Get(':id/members') // ruleid: missing-authentication
  members(@Param('id') id: string) {
    return this.projects.members(id);
  }
}
